namespace Portico.Features.Integrations;

/// How current synced data is: when the source last delivered and whether it is late.
public sealed record FreshnessView(string Source, DateTime? LastSyncAt, int ExpectedSyncMinutes, bool Stale)
{
    public string Describe(DateTime now)
    {
        if (LastSyncAt is not { } at)
        {
            return $"Not synced from {Source} yet.";
        }
        var age = now - at;
        var ago = age.TotalMinutes < 1 ? "just now" : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} minutes ago"
            : age.TotalDays < 2 ? $"{(int)age.TotalHours} hours ago" : $"{(int)age.TotalDays} days ago";
        return $"Updated {ago} from {Source}.";
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
