using System.Collections.Concurrent;

namespace Portico.Features.Insights.Staff;

/// The insights page's figures as read from one moment (AsOf, shown on the page); kept for a minute from when the reading
/// ended (ReadAt), so a reading longer than a minute is still used before the next one starts.
public sealed record CachedInsights(InsightReport Report, DateTimeOffset AsOf, DateTimeOffset ReadAt);

/// The page's filter lists: every request type, and the accounts when there are few enough to list (else empty).
public sealed record InsightChoices(List<(Guid Id, string Name)> Types, List<(Guid Id, string Name)> Accounts, bool ListsAccounts, DateTimeOffset ReadAt);

/// Keeps each choice of range and filters' figures a minute (up to five while a background reading replaces them), read
/// once at a time per choice: staff opening or refreshing the same page together share one reading instead of each
/// running it (ADR 0024). The page shows when its figures were read. Figures asked for after half a minute are read again
/// in the background, at idle priority, while the ones in hand are shown, so a page in use is not held up by a reading
/// (at scale a year's figures take seconds to read).
public sealed partial class InsightFigureCache(IServiceScopeFactory scopes, IdleTimeScheduler idleTime, TimeProvider clock, ILogger<InsightFigureCache> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RefreshAfter = MaxAge / 2;
    public static readonly TimeSpan MaxAgeWhileReading = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<InsightFilter, Lazy<Task<CachedInsights>>> readings = new();
    private readonly ConcurrentDictionary<InsightFilter, Lazy<Task<CachedInsights>>> refreshes = new();
    private Task<InsightChoices>? choices;
    private int refreshingChoices;

    /// The filter lists, kept a minute like the figures: read on every view they were a third of the page's time. Asked
    /// for after half a minute they are read again in the background, so a page in regular use never waits for them.
    public async Task<InsightChoices> GetChoicesAsync(CancellationToken ct)
    {
        while (true)
        {
            var current = Volatile.Read(ref choices);
            if (current is { IsCompletedSuccessfully: true } && clock.GetUtcNow() - current.Result.ReadAt is var age && age < MaxAge)
            {
                if (age >= RefreshAfter)
                {
                    RefreshChoices(current);
                }
                return current.Result;
            }
            if (current is { IsCompleted: false })
            {
                return await current.WaitAsync(ct);
            }
            var next = ReadChoicesAsync();
            if (Interlocked.CompareExchange(ref choices, next, current) == current)
            {
                return await next.WaitAsync(ct);
            }
        }
    }

    private void RefreshChoices(Task<InsightChoices> inHand)
    {
        if (Interlocked.Exchange(ref refreshingChoices, 1) == 1)
        {
            return;
        }
        // Not part of the request that noticed the age: it neither waits for the reading nor owns it.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    _ = Interlocked.CompareExchange(ref choices, Task.FromResult(await ReadChoicesAsync()), inHand);
                }
                catch (Exception e)
                {
                    // The lists in hand stay until they run out; the next reading after that is a request's own.
                    RefreshFailed(e);
                }
                finally
                {
                    Volatile.Write(ref refreshingChoices, 0);
                }
            });
        }
    }

    private async Task<InsightChoices> ReadChoicesAsync()
    {
        await Task.Yield();
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var types = await db.RequestTypes.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync();
        var accounts = await db.Accounts.AsNoTracking().OrderBy(a => a.Name).Select(a => new { a.Id, a.Name })
            .Take(InsightsModel.AccountListLimit + 1).ToListAsync();
        var lists = accounts.Count <= InsightsModel.AccountListLimit;
        return new InsightChoices(types.Select(t => (t.Id, t.Name)).ToList(), lists ? accounts.Select(a => (a.Id, a.Name)).ToList() : [], lists, clock.GetUtcNow());
    }

    public async Task<CachedInsights> GetAsync(InsightFilter filter, CancellationToken ct)
    {
        while (true)
        {
            // A reading of a request's own, at the normal priority: a background one under way may be waiting for idle cores.
            var reading = readings.GetOrAdd(filter, f => new Lazy<Task<CachedInsights>>(() => ReadAsync(f)));
            var task = reading.Value;
            if (!task.IsCompleted)
            {
                // Being read for someone else: wait for it, without cancelling it for them when this request goes.
                return await task.WaitAsync(ct);
            }
            if (task.IsCompletedSuccessfully && Usable(filter, task.Result))
            {
                if (clock.GetUtcNow() - task.Result.ReadAt >= RefreshAfter)
                {
                    Refresh(filter, reading);
                }
                return task.Result;
            }
            // Too old or failed: the first to see it takes it out, and whoever comes next starts one new reading.
            readings.TryRemove(KeyValuePair.Create(filter, reading));
            foreach (var old in readings.Where(r => r.Value.IsValueCreated && r.Value.Value.IsCompleted
                && (!r.Value.Value.IsCompletedSuccessfully || !Usable(r.Key, r.Value.Value.Result))))
            {
                readings.TryRemove(old);
            }
        }
    }

    /// Under a minute old; or, while the background reading that replaces them is under way (it runs at idle priority, so
    /// on cores busy with requests it takes longer), up to MaxAgeWhileReading. The page says when they were read.
    private bool Usable(InsightFilter filter, CachedInsights figures) => clock.GetUtcNow() - figures.ReadAt is var age
        && (age < MaxAge || (age < MaxAgeWhileReading && refreshes.ContainsKey(filter)));

    /// Starts one background reading for the filter unless one is under way; once read it replaces the figures in hand.
    private void Refresh(InsightFilter filter, Lazy<Task<CachedInsights>> inHand)
    {
        // Every view while a reading is under way comes here: nothing to make for them.
        if (refreshes.ContainsKey(filter))
        {
            return;
        }
        // At idle priority: the figures in hand are shown meanwhile, so this reading may take as long as the cores are busy.
        var next = new Lazy<Task<CachedInsights>>(() =>
            Task.Factory.StartNew(() => ReadAsync(filter), CancellationToken.None, TaskCreationOptions.None, idleTime).Unwrap());
        if (!refreshes.TryAdd(filter, next))
        {
            return;
        }
        _ = next.Value.ContinueWith(done =>
        {
            if (done.IsCompletedSuccessfully)
            {
                readings.TryUpdate(filter, next, inHand);
            }
            else
            {
                // The figures in hand stay until they run out; the next reading after that is a request's own.
                RefreshFailed(done.Exception);
            }
            refreshes.TryRemove(KeyValuePair.Create(filter, next));
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the insights figures or filter lists in the background failed.")]
    private partial void RefreshFailed(Exception? exception);
}
