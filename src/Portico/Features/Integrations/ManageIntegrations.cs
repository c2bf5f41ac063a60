namespace Portico.Features.Integrations;

/// The full key of a new integration key, shown once: only its hash is stored.
public sealed record NewIntegrationKey(IntegrationKey Key, string Secret);

/// Staff Admins register integrations, give them keys and take keys back, choose the system of record per object
/// type. Data quality incidents are resolved by ResolveIncidents.
public sealed class ManageIntegrations(PorticoDb db, AuditLog audit, Webhooks.ReceiverGuard guard, TimeProvider clock,
    IStringLocalizer<ManageIntegrations> text)
{
    public async Task<Outcome<Integration>> CreateAsync(string? name, int expectedSyncMinutes, CancellationToken ct)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length is 0 or > 100)
        {
            return Outcome.Refused(text["Give the integration a name of at most {0} characters.", 100]);
        }
        if (expectedSyncMinutes is < 1 or > 60 * 24 * 31)
        {
            return Outcome.Refused(text["The expected sync interval must be between 1 minute and 31 days."]);
        }
        var taken = Outcome.Refused(text["An integration called {0} already exists.", clean]);
        if (await db.Integrations.AnyAsync(i => i.Name == clean, ct))
        {
            return taken;
        }
        var integration = new Integration(clean, expectedSyncMinutes, clock.GetUtcNow().UtcDateTime);
        db.Integrations.Add(integration);
        audit.Record(AuditActions.IntegrationSaved, null, "Integration", integration.Id.ToString(), new { name = clean, expectedSyncMinutes });
        return await db.SaveUnlessTakenAsync(ct) ? integration : taken;
    }

    public async Task<Outcome<NewIntegrationKey>> CreateKeyAsync(Guid integrationId, string? name, CancellationToken ct)
    {
        if (!await db.Integrations.AnyAsync(i => i.Id == integrationId, ct))
        {
            return Outcome.NotFound;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var clean = string.IsNullOrWhiteSpace(name) ? "Key " + now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : name.Trim();
        if (clean.Length > 100)
        {
            return Outcome.Refused(text["Key names can be at most {0} characters.", 100]);
        }
        var (key, secret) = IntegrationKey.Create(integrationId, clean, now);
        db.IntegrationKeys.Add(key);
        audit.Record(AuditActions.IntegrationKeyCreated, null, "IntegrationKey", key.Id.ToString(), new { integrationId, name = clean, keyId = key.KeyId });
        await db.SaveChangesAsync(ct);
        return new NewIntegrationKey(key, secret);
    }

    /// The key stops working at once.
    public async Task<Outcome<IntegrationKey>> RevokeKeyAsync(Guid keyId, CancellationToken ct)
    {
        var key = await db.IntegrationKeys.SingleOrDefaultAsync(k => k.Id == keyId, ct);
        if (key is null)
        {
            return Outcome.NotFound;
        }
        key.Revoke(clock.GetUtcNow().UtcDateTime);
        audit.Record(AuditActions.IntegrationKeyRevoked, null, "IntegrationKey", key.Id.ToString(), new { key.IntegrationId, key.Name, key.KeyId });
        await db.SaveChangesAsync(ct);
        return key;
    }

    /// Gives the object type to an integration, or to nobody when integrationId is null.
    public async Task<Outcome> ChooseSystemOfRecordAsync(string? objectType, Guid? integrationId, CancellationToken ct)
    {
        if (objectType is null || !SyncedObjectTypes.Ownable.Contains(objectType))
        {
            return Outcome.Refused(text["Choose an object type."]);
        }
        var current = await db.SystemsOfRecord.SingleOrDefaultAsync(s => s.ObjectType == objectType, ct);
        if (integrationId is null)
        {
            if (current is not null)
            {
                db.SystemsOfRecord.Remove(current);
            }
        }
        else if (!await db.Integrations.AnyAsync(i => i.Id == integrationId, ct))
        {
            return Outcome.Refused(text["Choose an existing integration."]);
        }
        else if (current is null)
        {
            db.SystemsOfRecord.Add(new SystemOfRecord(objectType, integrationId.Value));
        }
        else
        {
            current.AssignTo(integrationId.Value);
        }
        audit.Record(AuditActions.SystemOfRecordChanged, null, "SystemOfRecord", objectType, new { objectType, integrationId });
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    /// Sets where Portico reads the integration's changes (empty: it pushes), starting from the beginning. The address
    /// must be one webhooks could be sent to, checked now and again at every connection.
    public async Task<Outcome<Integration>> SetChangeFeedAsync(Guid integrationId, string? url, CancellationToken ct)
    {
        var integration = await db.Integrations.SingleOrDefaultAsync(i => i.Id == integrationId, ct);
        if (integration is null)
        {
            return Outcome.NotFound;
        }
        var clean = string.IsNullOrWhiteSpace(url) ? null : url.Trim();
        if (clean is not null)
        {
            if (clean.Length > 2000 || !Uri.TryCreate(clean, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
            {
                return Outcome.Refused(text["The change feed address must be an absolute http or https URL of at most {0:N0} characters, without a user name or #fragment.", 2000]);
            }
            if (await guard.RefusalAsync(uri.IdnHost, ct) is { } refusal)
            {
                return Outcome.Refused(text["The change feed address is refused: {0}. "
                    + "An internal source needs its network allowed in the portal's settings (Webhooks:AllowedInternalNetworks).", refusal]);
            }
        }
        integration.ReadChangesFrom(clean);
        audit.Record(AuditActions.IntegrationSaved, null, "Integration", integration.Id.ToString(), new { changeFeedUrl = clean });
        await db.SaveChangesAsync(ct);
        return integration;
    }
}
