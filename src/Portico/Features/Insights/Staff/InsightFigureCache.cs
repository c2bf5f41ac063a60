using System.Collections.Concurrent;

namespace Portico.Features.Insights.Staff;

/// The insights page's figures as read from one moment (AsOf, shown on the page); kept for a minute from when the reading
/// ended (ReadAt), so a reading longer than a minute is still used before the next one starts.
public sealed record CachedInsights(InsightReport Report, DateTimeOffset AsOf, DateTimeOffset ReadAt);

/// Keeps each choice of range and filters' figures for at most a minute, read once at a time per choice: staff opening
/// or refreshing the same page together share one reading instead of each running it (ADR 0024). The page shows when
/// its figures were read.
public sealed class InsightFigureCache(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<InsightFilter, Lazy<Task<CachedInsights>>> readings = new();

    public async Task<CachedInsights> GetAsync(InsightFilter filter, CancellationToken ct)
    {
        while (true)
        {
            var reading = readings.GetOrAdd(filter, f => new Lazy<Task<CachedInsights>>(() => ReadAsync(f)));
            var task = reading.Value;
            if (!task.IsCompleted)
            {
                // Being read for someone else: wait for it, without cancelling it for them when this request goes.
                return await task.WaitAsync(ct);
            }
            if (task.IsCompletedSuccessfully && clock.GetUtcNow() - task.Result.ReadAt < MaxAge)
            {
                return task.Result;
            }
            // Too old or failed: the first to see it takes it out, and whoever comes next starts one new reading.
            readings.TryRemove(KeyValuePair.Create(filter, reading));
            foreach (var old in readings.Where(r => r.Value.IsValueCreated && r.Value.Value.IsCompleted
                && (!r.Value.Value.IsCompletedSuccessfully || clock.GetUtcNow() - r.Value.Value.Result.ReadAt >= MaxAge)))
            {
                readings.TryRemove(old);
            }
        }
    }

    /// Reads in a scope of its own, so the reading outlives the request that started it when others wait on it.
    private async Task<CachedInsights> ReadAsync(InsightFilter filter)
    {
        // Off the calling request's thread, so GetOrAdd's factory returns at once.
        await Task.Yield();
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        var asOf = clock.GetUtcNow();
        var report = await scope.ServiceProvider.GetRequiredService<ReadInsights>().RunAsync(filter, CancellationToken.None);
        return new CachedInsights(report, asOf, clock.GetUtcNow());
    }
}
