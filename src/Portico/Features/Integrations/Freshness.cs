namespace Portico.Features.Integrations;

/// How current synced data is: when the source last delivered and whether it is late.
public sealed record FreshnessView(string Source, DateTime? LastSyncAt, int ExpectedSyncMinutes, bool Stale)
{
    public string Describe(DateTime now, IStringLocalizer<FreshnessView> text)
    {
        if (LastSyncAt is not { } at)
        {
            return text["Not synced from {0} yet.", Source];
        }
        var age = now - at;
        return age.TotalMinutes < 1 ? text["Updated just now from {0}.", Source]
            : age.TotalHours < 1 ? text["Updated {0} minutes ago from {1}.", (int)age.TotalMinutes, Source]
            : age.TotalDays < 2 ? text["Updated {0} hours ago from {1}.", (int)age.TotalHours, Source]
            : text["Updated {0} days ago from {1}.", (int)age.TotalDays, Source];
    }
}

public sealed class Freshness(PorticoDb db, TimeProvider clock)
{
    /// The system of record for an object type, or null when none is configured.
    public async Task<FreshnessView?> ForAsync(string objectType, CancellationToken ct)
    {
        var integration = await db.SystemsOfRecord.Where(s => s.ObjectType == objectType)
            .Join(db.Integrations, s => s.IntegrationId, i => i.Id, (_, i) => i).AsNoTracking().SingleOrDefaultAsync(ct);
        return integration is null ? null
            : new FreshnessView(integration.Name, integration.LastSuccessAt, integration.ExpectedSyncMinutes, integration.IsStale(clock.GetUtcNow().UtcDateTime));
    }
}
