namespace Portico.Features.Integrations;

/// What a resolution did: how many incidents it closed, and the account their records went to.
public sealed record IncidentsResolved(int Count, string? AccountName);

/// Staff Admins resolve data quality incidents: map the unknown external account to an existing account, create an
/// account for it, or dismiss with a reason. Mapping and creating apply every open incident's held record for that
/// external account through the same sync as the source's own batches, so validation, hashing and audit match and a
/// later sync of the same record changes nothing. All or nothing: a refusal leaves everything as it was.
public sealed class ResolveIncidents(PorticoDb db, IntegrationSync sync, AuditLog audit, TimeProvider clock, IStringLocalizer<ResolveIncidents> text)
{
    /// One form post resolves at most this many selected incidents.
    public const int MaxSelected = 200;

    public sealed record Actor(Guid UserId, string Name);

    public Task<Outcome<IncidentsResolved>> MapAsync(IReadOnlyCollection<long> incidentIds, Guid? accountId, Actor by, CancellationToken ct) =>
        LockedAsync(incidentIds, () => MapLockedAsync(incidentIds, accountId, by, ct), ct);

    public Task<Outcome<IncidentsResolved>> CreateAccountAsync(IReadOnlyCollection<long> incidentIds, string? name, Actor by, CancellationToken ct) =>
        LockedAsync(incidentIds, () => CreateAccountLockedAsync(incidentIds, name, by, ct), ct);

    public Task<Outcome<IncidentsResolved>> DismissAsync(IReadOnlyCollection<long> incidentIds, string? reason, Actor by, CancellationToken ct) =>
        LockedAsync(incidentIds, () => DismissLockedAsync(incidentIds, reason, by, ct), ct);

    // The selected incidents are locked before anything is read, so two staff resolving the same ones queue behind each
    // other and the second is told they are resolved. Nothing is committed unless the resolution is done.
    private Task<Outcome<IncidentsResolved>> LockedAsync(IReadOnlyCollection<long> incidentIds, Func<Task<Outcome<IncidentsResolved>>> work, CancellationToken ct)
    {
        var ids = incidentIds.Distinct().Take(MaxSelected + 1).ToList();
        return db.WithRowLockedAsync(
            () => db.DataQualityIncidents.Where(i => ids.Contains(i.Id)).ExecuteUpdateAsync(s => s.SetProperty(i => i.Occurrences, i => i.Occurrences), ct),
            work, outcome => outcome.Succeeded, ct);
    }

    private async Task<Outcome<IncidentsResolved>> MapLockedAsync(IReadOnlyCollection<long> incidentIds, Guid? accountId, Actor by, CancellationToken ct)
    {
        var (selected, refusal) = await HeldForOneAccountAsync(incidentIds, ct);
        if (selected is null)
        {
            return refusal!;
        }
        var externalAccountId = selected[0].ExternalAccountId!;
        var account = accountId is null ? null : await db.Accounts.SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return Refused("accountId", text["Choose an existing account to map the external account to."]);
        }
        if (account.ExternalId is { } owned && owned != externalAccountId)
        {
            return Refused("accountId",
                text["{0} is already known to a system of record as \"{1}\"; an account has one external id. Choose another account or create one.", account.Name, owned]);
        }
        if (await db.Accounts.Where(a => a.ExternalId == externalAccountId && a.Id != account.Id).Select(a => a.Name).FirstOrDefaultAsync(ct) is { } holder)
        {
            return Refused("accountId", text["{0} already has the external id \"{1}\"; map nothing else to it.", holder, externalAccountId]);
        }
        return await ApplyAsync(selected, account, IncidentResolution.Mapped, by, ct);
    }

    private async Task<Outcome<IncidentsResolved>> CreateAccountLockedAsync(IReadOnlyCollection<long> incidentIds, string? name, Actor by, CancellationToken ct)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length is 0 or > CreateAccount.MaxNameLength)
        {
            return Refused("accountName", text["Give the new account a name (at most {0} characters).", CreateAccount.MaxNameLength]);
        }
        var (selected, refusal) = await HeldForOneAccountAsync(incidentIds, ct);
        if (selected is null)
        {
            return refusal!;
        }
        var externalAccountId = selected[0].ExternalAccountId!;
        if (await db.Accounts.Where(a => a.ExternalId == externalAccountId).Select(a => a.Name).FirstOrDefaultAsync(ct) is { } holder)
        {
            return Refused("accountName", text["{0} already has the external id \"{1}\"; map the incidents to it instead.", holder, externalAccountId]);
        }
        var account = new Account(clean, clock.GetUtcNow().UtcDateTime, externalAccountId);
        db.Accounts.Add(account);
        audit.Record(AuditActions.AccountCreated, account.Id, "Account", account.Id.ToString(), new { name = clean, externalId = externalAccountId });
        return await ApplyAsync(selected, account, IncidentResolution.Created, by, ct);
    }

    private async Task<Outcome<IncidentsResolved>> DismissLockedAsync(IReadOnlyCollection<long> incidentIds, string? reason, Actor by, CancellationToken ct)
    {
        var clean = reason?.Trim() ?? "";
        if (clean.Length is 0 or > DataQualityIncident.MaxReasonLength)
        {
            return Refused("reason", text["Say why the incidents are dismissed (at most {0} characters).", DataQualityIncident.MaxReasonLength]);
        }
        var (selected, refusal) = await OpenAsync(incidentIds, ct);
        if (selected is null)
        {
            return refusal!;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var incident in selected)
        {
            incident.Resolve(IncidentResolution.Dismissed, by.UserId, by.Name, clean, now);
            audit.Record(AuditActions.IncidentDismissed, null, "DataQualityIncident", incident.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new { incident.IntegrationId, incident.ObjectType, incident.ExternalId, incident.ExternalAccountId, reason = clean, openFor = incident.TimeToResolve });
        }
        await db.SaveChangesAsync(ct);
        return new IncidentsResolved(selected.Count, null);
    }

    /// The selected incidents, all open; refused when none is selected or one is already resolved.
    private async Task<(List<DataQualityIncident>? Selected, Outcome? Refusal)> OpenAsync(IReadOnlyCollection<long> incidentIds, CancellationToken ct)
    {
        var ids = incidentIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return (null, Outcome.Refused(text["Select at least one incident."]));
        }
        if (ids.Count > MaxSelected)
        {
            return (null, Outcome.Refused(text["Select at most {0} incidents at a time.", MaxSelected]));
        }
        var selected = await db.DataQualityIncidents.Where(i => ids.Contains(i.Id)).OrderBy(i => i.FirstSeenAt).ThenBy(i => i.Id).ToListAsync(ct);
        if (selected.Count != ids.Count)
        {
            return (null, Outcome.NotFound);
        }
        if (selected.FirstOrDefault(i => !i.IsOpen) is { } resolved)
        {
            return (null, Outcome.Refused(text["The incident for {0} \"{1}\" is already resolved; nothing was changed.", resolved.ObjectType, resolved.ExternalId]));
        }
        return (selected, null);
    }

    /// The selected incidents, open, each holding a record for the same external account, from integrations that still
    /// own the record's type; widened to every open incident of those integrations for that external account.
    private async Task<(List<DataQualityIncident>? Selected, Outcome? Refusal)> HeldForOneAccountAsync(IReadOnlyCollection<long> incidentIds, CancellationToken ct)
    {
        var (selected, refusal) = await OpenAsync(incidentIds, ct);
        if (selected is null)
        {
            return (null, refusal);
        }
        if (selected.FirstOrDefault(i => i.HeldRecord is null || i.ExternalAccountId is null) is { } bare)
        {
            return (null, Outcome.Refused(text["The incident for {0} \"{1}\" was raised before records were held, so there is "
                + "nothing to apply; dismiss it, and the source's next sync places the record once its account is known.", bare.ObjectType, bare.ExternalId]));
        }
        var accounts = selected.Select(i => i.ExternalAccountId!).Distinct(StringComparer.Ordinal).ToList();
        if (accounts.Count > 1)
        {
            return (null, Outcome.Refused(text["The selected incidents name different external accounts ({0}); resolve one external account at a time.",
                string.Join(", ", accounts.Select(a => $"\"{a}\""))]));
        }
        var integrations = selected.Select(i => i.IntegrationId).Distinct().ToList();
        var externalAccountId = accounts[0];
        var all = await db.DataQualityIncidents
            .Where(i => integrations.Contains(i.IntegrationId) && i.ExternalAccountId == externalAccountId && i.ResolvedAt == null && i.HeldRecord != null)
            .OrderBy(i => i.FirstSeenAt).ThenBy(i => i.Id).ToListAsync(ct);
        foreach (var (integrationId, objectType) in all.Select(i => (i.IntegrationId, i.ObjectType)).Distinct())
        {
            if (await sync.RefusalAsync(integrationId, objectType, ct) is not null)
            {
                var name = await db.Integrations.Where(i => i.Id == integrationId).Select(i => i.Name).SingleAsync(ct);
                return (null, Outcome.Refused(text["{0} is no longer the system of record for {1}, so its held records cannot be applied; "
                    + "dismiss those incidents instead.", name, objectType]));
            }
        }
        return (all, null);
    }

    private async Task<Outcome<IncidentsResolved>> ApplyAsync(List<DataQualityIncident> incidents, Account account, IncidentResolution how, Actor by,
        CancellationToken ct)
    {
        var externalAccountId = incidents[0].ExternalAccountId!;
        try
        {
            if (account.ExternalId is null)
            {
                account.MapToExternalId(externalAccountId);
                audit.Record(AuditActions.IntegrationAccountMapped, account.Id, "Account", account.Id.ToString(), new { externalId = externalAccountId });
            }
            // The account must be findable by its external id before the held records are synced.
            await db.SaveChangesAsync(ct);
            var results = await sync.ApplyHeldAsync(incidents, ct);
            if (results.Values.FirstOrDefault(r => r.Outcome == "error") is { } failed)
            {
                // Not committed, so the mapped account and any applied record go back with the transaction.
                db.ChangeTracker.Clear();
                return Outcome.Refused(text["The held record \"{0}\" cannot be applied: {1} "
                    + "Nothing was changed; dismiss that incident, or have the source send the record again.", failed.ExternalId ?? "", string.Join(" ", failed.Errors?.Values ?? [])]);
            }
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var incident in incidents)
            {
                incident.Resolve(how, by.UserId, by.Name, null, now);
                audit.Record(AuditActions.IncidentResolved, account.Id, "DataQualityIncident", incident.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    new { how = how.ToString(), incident.IntegrationId, incident.ObjectType, incident.ExternalId, externalAccountId, account = account.Name,
                        outcome = results[incident.Id].Outcome, openFor = incident.TimeToResolve });
            }
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Outcome.Refused(text["The account or these incidents changed at the same moment; nothing was changed. Look again and retry."]);
        }
        return new IncidentsResolved(incidents.Count, account.Name);
    }

    private static Outcome Refused(string field, string message) => Outcome.Refused(message, new Dictionary<string, string> { [field] = message });
}
