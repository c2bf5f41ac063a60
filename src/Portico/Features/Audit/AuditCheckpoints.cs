namespace Portico.Features.Audit;

public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// How often the chain's head is written to the log as a checkpoint (verifications write one too).
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromHours(1);
}

/// Checkpoints of the audit chain's head, written outside the database: to the log, where rewriting
/// the database cannot reach them. The last one is kept in memory so verification can compare the chain with it.
public sealed class AuditCheckpoints(ILogger<AuditCheckpoints> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AuditCheckpoint? _last;

    public AuditCheckpoint? Last => Volatile.Read(ref _last);

    /// One reader of the head at a time until its checkpoint is written, so heads reach the log in order
    /// and a head behind the last checkpoint always means events were removed.
    public async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return new Releaser(_gate);
    }

    public void Dispose() => _gate.Dispose();

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }

    /// Logs the head as a checkpoint; a head behind the last checkpoint (or differing at it) is logged as an error and not taken.
    public bool Write(AuditCheckpoint head)
    {
        var last = Last;
        if (last is not null && (head.Sequence < last.Sequence || (head.Sequence == last.Sequence && head.Hash != last.Hash)))
        {
            logger.LogError("Audit chain head is at event {Sequence} ({Hash}), behind or unlike the checkpoint at event {CheckpointSequence} ({CheckpointHash}) of {CheckpointAt:u}",
                head.Sequence, head.Hash, last.Sequence, last.Hash, last.At);
            return false;
        }
        logger.LogInformation("Audit chain checkpoint: event {Sequence}, hash {Hash}", head.Sequence, head.Hash);
        Volatile.Write(ref _last, head);
        return true;
    }
}

/// Writes a checkpoint of the chain's head every Audit:CheckpointInterval, so the log holds where the chain
/// stood even when nobody verifies it.
public sealed class AuditCheckpointWorker(IServiceScopeFactory scopes, AuditCheckpoints checkpoints, IOptions<AuditOptions> options,
    TimeProvider clock, ILogger<AuditCheckpointWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, clock);
        do
        {
            try
            {
                using var locked = await checkpoints.LockAsync(stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
                var head = await db.AuditChainHeads.AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.RowId, stoppingToken);
                checkpoints.Write(new AuditCheckpoint(head.Sequence, head.Hash, clock.GetUtcNow().UtcDateTime));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not write an audit chain checkpoint; trying again in {Interval}", options.Value.CheckpointInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
