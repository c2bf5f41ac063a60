namespace Portico.Features.Integrations.Staff;

public sealed record IntegrationHealth(Integration Integration, int OpenIncidents, IReadOnlyList<IntegrationKey> Keys, IReadOnlyList<string> Owns,
    IReadOnlyList<ReconciliationRun> Reconciliations);

public sealed record IncidentRow(DataQualityIncident Incident, string IntegrationName);

public sealed record MappableAccount(Guid Id, string Name);

/// Integration health, keys and the system of record per object type. Admins only.
[Authorize(Policy = Policies.StaffAdmin)]
public sealed class IntegrationsModel(PorticoDb db, ManageIntegrations integrations, ResolveIncidents resolve, TimeProvider clock,
    IStringLocalizer<IntegrationsModel> text) : PageModel
{
    /// Open incidents shown, oldest first; resolved ones shown, newest first.
    public const int Shown = 100;
    public const int ResolvedShown = 20;
    /// Accounts offered to map an external account to: those no system of record knows yet.
    public const int AccountChoices = 500;
    /// Latest reconciliation runs shown per integration, newest first.
    public const int RunsShown = 10;

    public List<IntegrationHealth> Integrations { get; private set; } = [];
    public List<IncidentRow> Incidents { get; private set; } = [];
    public List<IncidentRow> Resolved { get; private set; } = [];
    public List<MappableAccount> Unmapped { get; private set; } = [];
    public Dictionary<string, Guid> Owners { get; private set; } = [];
    public DateTime Now { get; } = clock.GetUtcNow().UtcDateTime;
    /// The full key, shown once right after it was created and never again.
    public string? NewSecret { get; private set; }
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }

    /// done is the notice of the action just taken, already in the language of the person who took it.
    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, int expectedSyncMinutes, CancellationToken ct)
    {
        var outcome = await integrations.CreateAsync(name, expectedSyncMinutes, ct);
        return await outcome.ToPageResultAsync(this,
            integration => Redirect("/staff/integrations?done=" + Uri.EscapeDataString(text["{0} added. Create a key for it next.", integration.Name].Value)), ReloadAsync);
    }

    public async Task<IActionResult> OnPostKeyAsync(Guid integrationId, string? name, CancellationToken ct)
    {
        var outcome = await integrations.CreateKeyAsync(integrationId, name, ct);
        if (outcome.Value is not { } created)
        {
            return await outcome.ToPageResultAsync(this, _ => Page(), ReloadAsync);
        }
        // Rendered, not redirected: the secret must not end up in a URL or be shown twice.
        NewSecret = created.Secret;
        Notice = text["Key \"{0}\" created. Copy it now; it will not be shown again.", created.Key.Name].Value;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid keyId, CancellationToken ct) =>
        (await integrations.RevokeKeyAsync(keyId, ct)).Value is { } key
            ? Redirect("/staff/integrations?done=" + Uri.EscapeDataString(text["Key \"{0}\" revoked; it stops working immediately.", key.Name].Value))
            : NotFound();

    public async Task<IActionResult> OnPostChangeFeedAsync(Guid integrationId, string? url, CancellationToken ct)
    {
        var outcome = await integrations.SetChangeFeedAsync(integrationId, url, ct);
        return await outcome.ToPageResultAsync(this, integration => Redirect("/staff/integrations?done=" + Uri.EscapeDataString(integration.ChangeFeedUrl is null
            ? text["{0} pushes its changes; its change feed is no longer read.", integration.Name].Value
            : text["{0}'s change feed is read from the beginning.", integration.Name].Value)), ReloadAsync);
    }

    public async Task<IActionResult> OnPostOwnerAsync(string? objectType, Guid? integrationId, CancellationToken ct)
    {
        var outcome = await integrations.ChooseSystemOfRecordAsync(objectType, integrationId, ct);
        return await outcome.ToPageResultAsync(this,
            () => Redirect("/staff/integrations?done=" + Uri.EscapeDataString(text["System of record for {0} saved.", objectType ?? ""].Value)), ReloadAsync);
    }

    public async Task<IActionResult> OnPostMapAsync(List<long> incidentIds, Guid? accountId, CancellationToken ct) =>
        await AfterResolution(await resolve.MapAsync(incidentIds, accountId, Actor(), ct));

    public async Task<IActionResult> OnPostCreateAccountAsync(List<long> incidentIds, string? accountName, CancellationToken ct) =>
        await AfterResolution(await resolve.CreateAccountAsync(incidentIds, accountName, Actor(), ct));

    public async Task<IActionResult> OnPostDismissAsync(List<long> incidentIds, string? reason, CancellationToken ct) =>
        await AfterResolution(await resolve.DismissAsync(incidentIds, reason, Actor(), ct));

    /// How long ago, in the largest whole units that say it: "3 d 4 h", "5 h 12 min", "7 min".
    public static string Age(TimeSpan span) =>
        span.TotalDays >= 1 ? HumanText.Localize("{0} d {1} h", (int)span.TotalDays, span.Hours)
        : span.TotalHours >= 1 ? HumanText.Localize("{0} h {1} min", (int)span.TotalHours, span.Minutes)
        : HumanText.Localize("{0} min", Math.Max(0, (int)span.TotalMinutes));

    private ResolveIncidents.Actor Actor() => new(User.UserId()!.Value, User.Identity?.Name ?? "");

    private Task<IActionResult> AfterResolution(Outcome<IncidentsResolved> outcome) =>
        outcome.ToPageResultAsync(this, done => Redirect("/staff/integrations?done=" + Uri.EscapeDataString(
            done.AccountName is null
                ? (done.Count == 1 ? text["{0} incident resolved.", done.Count].Value : text["{0} incidents resolved.", done.Count].Value)
                : (done.Count == 1 ? text["{0} incident resolved; the held records were applied to {1}.", done.Count, done.AccountName].Value
                    : text["{0} incidents resolved; the held records were applied to {1}.", done.Count, done.AccountName].Value))),
            ReloadAsync);

    private async Task<bool> ReloadAsync()
    {
        await LoadAsync(HttpContext.RequestAborted);
        return true;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var integrations = await db.Integrations.AsNoTracking().OrderBy(i => i.Name).ToListAsync(ct);
        var keys = await db.IntegrationKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(ct);
        var incidents = await db.DataQualityIncidents.AsNoTracking().Where(i => i.ResolvedAt == null)
            .GroupBy(i => i.IntegrationId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        Owners = await db.SystemsOfRecord.AsNoTracking().ToDictionaryAsync(s => s.ObjectType, s => s.IntegrationId, ct);
        var runs = new Dictionary<Guid, List<ReconciliationRun>>();
        foreach (var i in integrations)
        {
            runs[i.Id] = await db.ReconciliationRuns.AsNoTracking().Where(r => r.IntegrationId == i.Id)
                .OrderByDescending(r => r.StartedAt).Take(RunsShown).ToListAsync(ct);
        }
        Integrations = integrations.Select(i => new IntegrationHealth(i, incidents.GetValueOrDefault(i.Id),
            keys.Where(k => k.IntegrationId == i.Id).ToList(), Owners.Where(o => o.Value == i.Id).Select(o => o.Key).ToList(), runs[i.Id])).ToList();
        var names = integrations.ToDictionary(i => i.Id, i => i.Name);
        Incidents = (await db.DataQualityIncidents.AsNoTracking().Where(i => i.ResolvedAt == null).OrderBy(i => i.FirstSeenAt).ThenBy(i => i.Id).Take(Shown).ToListAsync(ct))
            .Select(i => new IncidentRow(i, names.GetValueOrDefault(i.IntegrationId, ""))).ToList();
        Resolved = (await db.DataQualityIncidents.AsNoTracking().Where(i => i.ResolvedAt != null).OrderByDescending(i => i.ResolvedAt).ThenByDescending(i => i.Id)
            .Take(ResolvedShown).ToListAsync(ct)).Select(i => new IncidentRow(i, names.GetValueOrDefault(i.IntegrationId, ""))).ToList();
        Unmapped = Incidents.Count == 0 ? [] : await db.Accounts.AsNoTracking().Where(a => a.ExternalId == null).OrderBy(a => a.Name).Take(AccountChoices)
            .Select(a => new MappableAccount(a.Id, a.Name)).ToListAsync(ct);
    }
}
