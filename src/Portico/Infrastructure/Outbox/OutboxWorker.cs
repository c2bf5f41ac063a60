namespace Portico.Infrastructure.Outbox;

/// Wakes the worker right after a save that queued messages, instead of waiting for the next poll.
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}

/// Claims due messages with a conditional update (so two app nodes never both deliver one
/// in the normal case), hands each to its handler, and records success or schedules a retry.
public sealed class OutboxProcessor(
    IServiceScopeFactory scopes, IEnumerable<IOutboxHandler> handlers, IOptions<OutboxOptions> options,
    TimeProvider clock, ILogger<OutboxProcessor> logger)
{
    private readonly Dictionary<string, IOutboxHandler> _handlers = handlers.ToDictionary(h => h.Type);
    private readonly string _workerId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// Processes one batch; returns how many messages were attempted.
    public async Task<int> ProcessDueAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.DeliveredAt == null && m.FailedAt == null && m.NextAttemptAt <= now
                        && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => m.Id)
            .Take(o.BatchSize)
            .ToListAsync(cancellationToken);

        var attempted = 0;
        foreach (var id in due)
        {
            now = clock.GetUtcNow().UtcDateTime;
            var leaseEnd = now + o.Lease;
            var claimed = await db.OutboxMessages
                .Where(m => m.Id == id && m.DeliveredAt == null && m.FailedAt == null
                            && (m.LockedUntil == null || m.LockedUntil < now))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.LockedUntil, leaseEnd)
                    .SetProperty(m => m.LockedBy, _workerId)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1), cancellationToken);
            if (claimed == 0)
            {
                continue; // another node took it
            }
            var message = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
            attempted++;
            await DeliverAsync(db, message, o, cancellationToken);
        }
        return attempted;
    }

    private async Task DeliverAsync(PorticoDb db, OutboxMessage message, OutboxOptions o, CancellationToken cancellationToken)
    {
        try
        {
            if (!_handlers.TryGetValue(message.Type, out var handler))
            {
                throw new InvalidOperationException($"No handler for outbox message type '{message.Type}'.");
            }
            await handler.HandleAsync(message, cancellationToken);
            var done = clock.GetUtcNow().UtcDateTime;
            await db.OutboxMessages.Where(m => m.Id == message.Id && m.LockedBy == _workerId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.DeliveredAt, done)
                    .SetProperty(m => m.LockedUntil, (DateTime?)null)
                    .SetProperty(m => m.LastError, (string?)null), CancellationToken.None);
            Telemetry.PorticoMetrics.OutboxLag.Record((done - message.CreatedAt).TotalSeconds, new KeyValuePair<string, object?>("type", message.Type));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var failedAt = clock.GetUtcNow().UtcDateTime;
            var giveUp = message.Attempts >= o.MaxAttempts;
            var delay = RetryDelay(message.Attempts, o);
            var error = ex.GetType().Name + ": " + ex.Message;
            if (error.Length > 2000)
            {
                error = error[..2000];
            }
            logger.LogWarning(ex, "Outbox message {MessageId} ({Type}) failed on attempt {Attempt}", message.Id, message.Type, message.Attempts);
            Telemetry.PorticoMetrics.OutboxFailures.Add(1, new KeyValuePair<string, object?>("type", message.Type));
            await db.OutboxMessages.Where(m => m.Id == message.Id && m.LockedBy == _workerId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.LastError, error)
                    .SetProperty(m => m.LockedUntil, (DateTime?)null)
                    .SetProperty(m => m.NextAttemptAt, failedAt + delay)
                    .SetProperty(m => m.FailedAt, giveUp ? failedAt : null), CancellationToken.None);
        }
    }

    /// Exponential backoff with jitter so that many failed messages do not retry in lockstep.
    public static TimeSpan RetryDelay(int attempts, OutboxOptions o)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 20);
        var delay = o.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, exponent);
        delay = Math.Min(delay, o.MaxRetryDelay.TotalMilliseconds);
        var jitter = Random.Shared.NextDouble() * 0.2 * delay;
        return TimeSpan.FromMilliseconds(delay + jitter);
    }
}

public sealed class OutboxWorker(OutboxProcessor processor, OutboxSignal signal, IOptions<OutboxOptions> options, ILogger<OutboxWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var attempted = await processor.ProcessDueAsync(stoppingToken);
                if (attempted > 0)
                {
                    continue; // there may be more due right away
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be briefly unavailable; nothing is lost, the messages wait.
                logger.LogError(ex, "Outbox polling failed");
            }
            try
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
