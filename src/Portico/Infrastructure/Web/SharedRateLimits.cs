using System.Data.Common;
using System.Diagnostics;
using System.Threading.RateLimiting;

namespace Portico.Infrastructure.Web;

/// One budget's count in its current fixed window, shared by every app node on one PostgreSQL database
/// (docs/adr/0022-rate-limits-shared-by-nodes.md).
public sealed class RateLimitWindow
{
    public string Key { get; private set; } = "";

    /// When the window started, in milliseconds since the Unix epoch: a whole number of windows, so every node
    /// agrees on it from the clock alone.
    public long Window { get; private set; }

    public int Count { get; private set; }

    private RateLimitWindow() { }
}

internal sealed class RateLimitWindowConfiguration : IEntityTypeConfiguration<RateLimitWindow>
{
    public void Configure(EntityTypeBuilder<RateLimitWindow> b)
    {
        b.ToTable("RateLimitWindows");
        b.HasKey(w => w.Key);
        b.Property(w => w.Key).HasMaxLength(200);
        b.HasIndex(w => w.Window);
    }
}

/// Gives the rate limit policies their fixed-window partitions: on PostgreSQL counted in the database, so several
/// nodes share one budget; on SQLite (one node) in this process, sparing a write per request on a single-writer file.
public sealed class SharedRateLimits(IServiceScopeFactory scopes, TimeProvider clock, IOptions<DatabaseOptions> database)
{
    public bool InDatabase => database.Value.Provider == DatabaseProvider.Postgres;

    /// A budget of <paramref name="permits"/> per <paramref name="window"/> for one key of one policy.
    public RateLimitPartition<string> FixedWindow(string policy, string key, int permits, TimeSpan window)
    {
        if (!InDatabase)
        {
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window });
        }
        var shared = policy + ":" + key;
        return RateLimitPartition.Get(shared, k => new SharedWindowLimiter(this, k.Length > 200 ? k[..200] : k, permits, window));
    }

    /// When the current window started (Unix milliseconds) and how long until it ends.
    internal (long Start, TimeSpan Left) CurrentWindow(TimeSpan window)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var length = (long)window.TotalMilliseconds;
        var start = now - now % length;
        return (start, TimeSpan.FromMilliseconds(start + length - now));
    }

    /// Counts one use of the key in the given window and returns the count so far, in one statement: the row is
    /// created, moved to the new window or incremented atomically, so parallel nodes never lose or double a count.
    public async Task<int> CountAsync(string key, long window, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO "RateLimitWindows" ("Key", "Window", "Count") VALUES (@key, @window, 1)
                ON CONFLICT ("Key") DO UPDATE SET
                    "Count" = CASE WHEN "RateLimitWindows"."Window" = excluded."Window" THEN "RateLimitWindows"."Count" + 1
                                   WHEN "RateLimitWindows"."Window" > excluded."Window" THEN "RateLimitWindows"."Count"
                                   ELSE 1 END,
                    "Window" = CASE WHEN "RateLimitWindows"."Window" > excluded."Window" THEN "RateLimitWindows"."Window" ELSE excluded."Window" END
                RETURNING "Count"
                """;
            Add(command, "@key", key);
            Add(command, "@window", window);
            return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// Rows of windows that ended are of no use; they go, so the table holds about one row per key in use.
    public async Task<int> ForgetEndedAsync(TimeSpan longestWindow, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var before = (clock.GetUtcNow() - longestWindow).ToUnixTimeMilliseconds();
        return await db.Set<RateLimitWindow>().Where(w => w.Window < before).ExecuteDeleteAsync(ct);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// The framework's rate limiter contract over the shared count: the middleware's quick attempt always defers to
/// <see cref="AcquireAsyncCore"/>, which asks the database; a refusal carries Retry-After until the window ends.
internal sealed class SharedWindowLimiter(SharedRateLimits limits, string key, int permits, TimeSpan window) : RateLimiter
{
    private static readonly RateLimitLease Granted = new Lease(true, null);
    private static readonly RateLimitLease Deferred = new Lease(false, null);
    private long _lastUsed = Stopwatch.GetTimestamp();

    public override TimeSpan? IdleDuration => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => permitCount == 0 ? Granted : Deferred;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, Stopwatch.GetTimestamp());
        if (permitCount == 0)
        {
            return Granted;
        }
        var (start, left) = limits.CurrentWindow(window);
        var count = await limits.CountAsync(key, start, cancellationToken);
        return count <= permits ? Granted : new Lease(false, left);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}

/// Removes the counts of ended windows now and then (PostgreSQL only; SQLite counts in memory).
internal sealed class RateLimitWindowSweeper(SharedRateLimits limits, ILogger<RateLimitWindowSweeper> logger) : BackgroundService
{
    /// Every budget today is per minute.
    private static readonly TimeSpan LongestWindow = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!limits.InDatabase)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(10));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await limits.ForgetEndedAsync(LongestWindow, stoppingToken);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                logger.LogWarning(e, "Could not remove the counts of ended rate limit windows; trying again later");
            }
        }
    }
}
