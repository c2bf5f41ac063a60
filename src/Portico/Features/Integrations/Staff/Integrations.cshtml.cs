using Portico.Features.Audit;

namespace Portico.Features.Integrations.Staff;

public sealed record IntegrationHealth(Integration Integration, int OpenIncidents, IReadOnlyList<IntegrationKey> Keys, IReadOnlyList<string> Owns);

/// Integration health, keys and the system of record per object type. Admins only.
[Authorize(Policy = Policies.StaffAdmin)]
public sealed class IntegrationsModel(PorticoDb db, ManageIntegrations integrations, TimeProvider clock) : PageModel
{
    public List<IntegrationHealth> Integrations { get; private set; } = [];
    public List<DataQualityIncident> Incidents { get; private set; } = [];
    public Dictionary<string, Guid> Owners { get; private set; } = [];
    public DateTime Now { get; } = clock.GetUtcNow().UtcDateTime;
    /// The full key, shown once right after it was created and never again.
    public string? NewSecret { get; private set; }
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, int expectedSyncMinutes, CancellationToken ct)
    {
        var outcome = await integrations.CreateAsync(name, expectedSyncMinutes, ct);
        return await outcome.ToPageResultAsync(this,
            integration => Redirect("/staff/integrations?done=" + Uri.EscapeDataString($"{integration.Name} added. Create a key for it next.")), ReloadAsync);
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
        Notice = $"Key \"{created.Key.Name}\" created. Copy it now; it will not be shown again.";
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid keyId, CancellationToken ct) =>
        (await integrations.RevokeKeyAsync(keyId, ct)).Value is { } key
            ? Redirect("/staff/integrations?done=" + Uri.EscapeDataString($"Key \"{key.Name}\" revoked; it stops working immediately."))
            : NotFound();

    public async Task<IActionResult> OnPostOwnerAsync(string? objectType, Guid? integrationId, CancellationToken ct)
    {
        var outcome = await integrations.ChooseSystemOfRecordAsync(objectType, integrationId, ct);
        return await outcome.ToPageResultAsync(this,
            () => Redirect("/staff/integrations?done=" + Uri.EscapeDataString($"System of record for {objectType} saved.")), ReloadAsync);
    }

    public async Task<IActionResult> OnPostResolveAsync(long incidentId, CancellationToken ct) =>
        (await integrations.ResolveIncidentAsync(incidentId, ct)).Succeeded ? Redirect("/staff/integrations?done=Incident+closed.") : NotFound();

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
        Integrations = integrations.Select(i => new IntegrationHealth(i, incidents.GetValueOrDefault(i.Id),
            keys.Where(k => k.IntegrationId == i.Id).ToList(), Owners.Where(o => o.Value == i.Id).Select(o => o.Key).ToList())).ToList();
        Incidents = await db.DataQualityIncidents.AsNoTracking().Where(i => i.ResolvedAt == null).OrderByDescending(i => i.LastSeenAt).Take(100).ToListAsync(ct);
    }
}
