using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Audit;

/// Adds audit events to the current unit of work; they are chained and saved with the
/// change they describe (see PorticoDb.SaveChangesAsync).
public sealed class AuditLog(PorticoDb db, IHttpContextAccessor http, TimeProvider clock)
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
            context?.Request.Headers.UserAgent.ToString()));
    }
}

public sealed record ChainVerification(long EventsChecked, long? FirstBrokenSequence, string? Problem)
{
    public bool IsIntact => FirstBrokenSequence is null;
}

/// Walks the chain in order and reports the first event whose link or content does not match.
public sealed class VerifyAuditChain(PorticoDb db)
{
    private const int BatchSize = 2000;

    public async Task<ChainVerification> RunAsync(CancellationToken cancellationToken)
    {
        long checkedCount = 0;
        long expectedSequence = 1;
        var previousHash = "";
        while (true)
        {
            var batch = await db.AuditEvents.AsNoTracking()
                .Where(e => e.Sequence >= expectedSequence)
                .OrderBy(e => e.Sequence)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return new ChainVerification(checkedCount, null, null);
            }
            foreach (var e in batch)
            {
                if (e.Sequence != expectedSequence)
                {
                    return new ChainVerification(checkedCount, expectedSequence, $"Event {expectedSequence} is missing.");
                }
                if (e.PreviousHash != previousHash)
                {
                    return new ChainVerification(checkedCount, e.Sequence, $"Event {e.Sequence} does not link to its predecessor.");
                }
                if (e.ComputeHash() != e.Hash)
                {
                    return new ChainVerification(checkedCount, e.Sequence, $"Event {e.Sequence} was altered after it was written.");
                }
                previousHash = e.Hash;
                expectedSequence++;
                checkedCount++;
            }
        }
    }
}
