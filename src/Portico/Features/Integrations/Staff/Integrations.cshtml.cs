using Portico.Features.Audit;

namespace Portico.Features.Integrations.Staff;

public sealed record IntegrationHealth(Integration Integration, int OpenIncidents, IReadOnlyList<IntegrationKey> Keys, IReadOnlyList<string> Owns);

/// Integration health, keys and the system of record per object type. Admins only.
[Authorize(Policy = Policies.StaffAdmin)]
public sealed class IntegrationsModel(PorticoDb db, AuditLog audit, TimeProvider clock) : PageModel
{
    public List<IntegrationHealth> Integrations { get; private set; } = [];
    public List<DataQualityIncident> Incidents { get; private set; } = [];
    public Dictionary<string, Guid> Owners { get; private set; } = [];
    public DateTime Now { get; } = clock.GetUtcNow().UtcDateTime;
    /// The full key, shown once right after it was created and never again.
    public string? NewSecret { get; private set; }
    public string? Error { get; private set; }
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, int expectedSyncMinutes, CancellationToken ct)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length is 0 or > 100)
        {
            return await FailAsync("Give the integration a name of at most 100 characters.", ct);
        }
        if (expectedSyncMinutes is < 1 or > 60 * 24 * 31)
        {
            return await FailAsync("The expected sync interval must be between 1 minute and 31 days.", ct);
        }
        if (await db.Integrations.AnyAsync(i => i.Name == clean, ct))
        {
            return await FailAsync($"An integration called {clean} already exists.", ct);
        }
        var integration = new Integration(clean, expectedSyncMinutes, Now);
        db.Integrations.Add(integration);
        audit.Record(AuditActions.IntegrationSaved, null, "Integration", integration.Id.ToString(), new { name = clean, expectedSyncMinutes });
        await db.SaveChangesAsync(ct);
        return Redirect("/staff/integrations?done=" + Uri.EscapeDataString($"{clean} added. Create a key for it next."));
    }

    public async Task<IActionResult> OnPostKeyAsync(Guid integrationId, string? name, CancellationToken ct)
    {
        if (!await db.Integrations.AnyAsync(i => i.Id == integrationId, ct))
        {
            return NotFound();
        }
        var clean = string.IsNullOrWhiteSpace(name) ? "Key " + Now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : name.Trim();
        if (clean.Length > 100)
        {
            return await FailAsync("Key names can be at most 100 characters.", ct);
        }
        var (key, secret) = IntegrationKey.Create(integrationId, clean, Now);
        db.IntegrationKeys.Add(key);
        audit.Record(AuditActions.IntegrationKeyCreated, null, "IntegrationKey", key.Id.ToString(), new { integrationId, name = clean, keyId = key.KeyId });
        await db.SaveChangesAsync(ct);
        // Rendered, not redirected: the secret must not end up in a URL or be shown twice.
        NewSecret = secret;
        Notice = $"Key \"{clean}\" created. Copy it now; it will not be shown again.";
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid keyId, CancellationToken ct)
    {
        var key = await db.IntegrationKeys.SingleOrDefaultAsync(k => k.Id == keyId, ct);
        if (key is null)
        {
            return NotFound();
        }
        key.Revoke(Now);
        audit.Record(AuditActions.IntegrationKeyRevoked, null, "IntegrationKey", key.Id.ToString(), new { key.IntegrationId, key.Name, key.KeyId });
        await db.SaveChangesAsync(ct);
        return Redirect("/staff/integrations?done=" + Uri.EscapeDataString($"Key \"{key.Name}\" revoked; it stops working immediately."));
    }

    public async Task<IActionResult> OnPostOwnerAsync(string? objectType, Guid? integrationId, CancellationToken ct)
    {
        if (objectType is null || !SyncedObjectTypes.All.Contains(objectType))
        {
            return await FailAsync("Choose an object type.", ct);
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
            return await FailAsync("Choose an existing integration.", ct);
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
        return Redirect("/staff/integrations?done=" + Uri.EscapeDataString($"System of record for {objectType} saved."));
    }

    public async Task<IActionResult> OnPostResolveAsync(long incidentId, CancellationToken ct)
    {
        var incident = await db.DataQualityIncidents.SingleOrDefaultAsync(i => i.Id == incidentId, ct);
        if (incident is null)
        {
            return NotFound();
        }
        incident.Resolve(Now);
        await db.SaveChangesAsync(ct);
        return Redirect("/staff/integrations?done=Incident+closed.");
    }

    private async Task<IActionResult> FailAsync(string error, CancellationToken ct)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var integrations = await db.Integrations.AsNoTracking().OrderBy(i => i.Name).ToListAsync(ct);
        var keys = await db.IntegrationKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);
        var incidents = await db.DataQualityIncidents.AsNoTracking().Where(i => i.ResolvedAt == null)
            .GroupBy(i => i.IntegrationId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        Owners = await db.SystemsOfRecord.AsNoTracking().ToDictionaryAsync(s => s.ObjectType, s => s.IntegrationId, ct);
        Integrations = integrations.Select(i => new IntegrationHealth(i, incidents.GetValueOrDefault(i.Id),
            keys.Where(k => k.IntegrationId == i.Id).ToList(), Owners.Where(o => o.Value == i.Id).Select(o => o.Key).ToList())).ToList();
        Incidents = await db.DataQualityIncidents.AsNoTracking().Where(i => i.ResolvedAt == null).OrderByDescending(i => i.LastSeenAt).Take(100).ToListAsync(ct);
    }
}
