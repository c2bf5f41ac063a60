namespace Portico.Features.Audit;

/// Adds audit events to the current unit of work; they are chained and saved with the
/// change they describe (see PorticoDb.SaveChangesAsync).
public sealed class AuditLog(PorticoDb db, IHttpContextAccessor http, AccountContext scope, TimeProvider clock)
{
    public void Record(string action, Guid? accountId = null, string? targetType = null, string? targetId = null,
        object? details = null, Guid? actorUserId = null, string? actorName = null)
    {
        var context = http.HttpContext;
        var user = context?.User;
        actorUserId ??= user?.UserId();
        actorName ??= user?.Identity?.Name;
        db.AuditEvents.Add(new AuditEvent(
            clock.GetUtcNow().UtcDateTime, action, actorUserId, actorName, accountId, targetType, targetId,
            details is null ? null : JsonSerializer.Serialize(details),
            context?.Connection.RemoteIpAddress?.ToString(),
            context?.Request.Headers.UserAgent.ToString(),
            // Staff viewing the portal as a customer act as themselves; the member whose view they used is noted.
            scope.Membership is { ViewedByStaff: true } viewed ? viewed.UserId : null));
    }
}

/// Where the chain stood at a moment: its newest event's sequence and hash.
public sealed record AuditCheckpoint(long Sequence, string Hash, DateTime At);

/// The outcome of a verification. Head is the chain's head as recorded in the database; LastCheckpoint
/// is the one written before this verification (in the log), which the chain was also compared with.
public sealed record ChainVerification(long EventsChecked, long? FirstBrokenSequence, string? Problem,
    AuditCheckpoint? Head = null, AuditCheckpoint? LastCheckpoint = null)
{
    public bool IsIntact => FirstBrokenSequence is null;
}

/// Walks the chain in order up to its recorded head and reports the first event whose link or content
/// does not match, events missing at the end (the head points past them), and a chain that no longer
/// reaches the last checkpoint written to the log. An intact chain writes a new checkpoint.
public sealed class VerifyAuditChain(PorticoDb db, AuditCheckpoints checkpoints, TimeProvider clock, IStringLocalizer<VerifyAuditChain> text)
{
    private const int BatchSize = 2000;

    public async Task<ChainVerification> RunAsync(CancellationToken cancellationToken)
    {
        using var locked = await checkpoints.LockAsync(cancellationToken);
        // Newest event before the head: every append moves both in one transaction, so a stored
        // event beyond a head read afterwards was not written by the app.
        var newest = await db.AuditEvents.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;
        var stored = await db.AuditChainHeads.AsNoTracking().SingleAsync(h => h.Id == AuditChainHead.RowId, cancellationToken);
        var head = new AuditCheckpoint(stored.Sequence, stored.Hash, clock.GetUtcNow().UtcDateTime);
        var checkpoint = checkpoints.Last;
        var (checkedCount, broken, problem, hashAtCheckpoint) = await WalkAsync(head, checkpoint?.Sequence, cancellationToken);
        if (broken is null && newest > head.Sequence)
        {
            (broken, problem) = (head.Sequence + 1, text["Event {0} is beyond the recorded head (event {1}): the head was reset or events were added outside the portal.", head.Sequence + 1, head.Sequence].Value);
        }
        if (broken is null && checkpoint is not null && head.Sequence < checkpoint.Sequence)
        {
            (broken, problem) = (head.Sequence + 1, text["The chain ends at event {0}, before the checkpoint of {1:u} at event {2}: the newest events were deleted.", head.Sequence, checkpoint.At, checkpoint.Sequence].Value);
        }
        if (broken is null && checkpoint is { Sequence: > 0 } && hashAtCheckpoint != checkpoint.Hash)
        {
            (broken, problem) = (checkpoint.Sequence, text["Event {0} differs from the checkpoint of {1:u}.", checkpoint.Sequence, checkpoint.At].Value);
        }
        if (broken is null)
        {
            checkpoints.Write(head);
        }
        return new ChainVerification(checkedCount, broken, problem, head, checkpoint);
    }

    private async Task<(long Checked, long? Broken, string? Problem, string? HashAtCheckpoint)> WalkAsync(AuditCheckpoint head, long? checkpointSequence,
        CancellationToken cancellationToken)
    {
        var headSequence = head.Sequence;
        long checkedCount = 0;
        long expectedSequence = 1;
        var previousHash = "";
        string? hashAtCheckpoint = null;
        while (expectedSequence <= headSequence)
        {
            var batch = await db.AuditEvents.AsNoTracking()
                .Where(e => e.Sequence >= expectedSequence && e.Sequence <= headSequence)
                .OrderBy(e => e.Sequence)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                var problem = expectedSequence == headSequence
                    ? text["Event {0} is missing: the chain ends before its recorded head.", expectedSequence].Value
                    : text["Events {0} to {1} are missing: the chain ends before its recorded head.", expectedSequence, headSequence].Value;
                return (checkedCount, expectedSequence, problem, hashAtCheckpoint);
            }
            foreach (var e in batch)
            {
                if (e.Sequence != expectedSequence)
                {
                    return (checkedCount, expectedSequence, text["Event {0} is missing.", expectedSequence].Value, hashAtCheckpoint);
                }
                if (e.PreviousHash != previousHash)
                {
                    return (checkedCount, e.Sequence, text["Event {0} does not link to its predecessor.", e.Sequence].Value, hashAtCheckpoint);
                }
                if (e.ComputeHash() != e.Hash)
                {
                    return (checkedCount, e.Sequence, text["Event {0} was altered after it was written.", e.Sequence].Value, hashAtCheckpoint);
                }
                if (e.Sequence == checkpointSequence)
                {
                    hashAtCheckpoint = e.Hash;
                }
                previousHash = e.Hash;
                expectedSequence++;
                checkedCount++;
            }
        }
        return previousHash == head.Hash
            ? (checkedCount, null, null, hashAtCheckpoint)
            : (checkedCount, headSequence, text["Event {0} does not match the chain's recorded head.", headSequence].Value, hashAtCheckpoint);
    }
}
