namespace Portico.Features.Audit;

public sealed record AuditQuery(Guid? AccountId = null, string? Action = null, Guid? ActorUserId = null, long? Before = null, int PageSize = 50,
    string? TargetType = null, string? TargetId = null);

/// ActingAsName is the customer a staff member was viewing the portal as when the event happened, if any.
public sealed record AuditRow(long Sequence, DateTime OccurredAt, string? ActorName, string Action, string? TargetType, string? TargetId, string? IpAddress,
    string? Details, string? ActingAsName = null);

public sealed record AuditPage(IReadOnlyList<AuditRow> Rows, long? NextBefore)
{
    public static readonly AuditPage Empty = new([], null);
}

/// Newest first, keyset-paged by sequence so deep pages stay as fast as the first.
public sealed class SearchAuditEvents(PorticoDb db)
{
    public async Task<AuditPage> RunAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var events = db.AuditEvents.AsNoTracking();
        if (query.AccountId is { } accountId)
        {
            events = events.Where(e => e.AccountId == accountId);
        }
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            events = events.Where(e => e.Action == query.Action);
        }
        if (query.ActorUserId is { } actor)
        {
            events = events.Where(e => e.ActorUserId == actor);
        }
        if (query.TargetId is { } targetId)
        {
            events = events.Where(e => e.TargetId == targetId && e.TargetType == query.TargetType);
        }
        if (query.Before is { } before)
        {
            events = events.Where(e => e.Sequence < before);
        }
        var size = Math.Clamp(query.PageSize, 1, 500);
        var rows = await events.OrderByDescending(e => e.Sequence).Take(size + 1)
            .Select(e => new AuditRow(e.Sequence, e.OccurredAt, e.ActorName, e.Action, e.TargetType, e.TargetId, e.IpAddress, e.Details,
                e.ActingAsUserId == null ? null : db.Users.Where(u => u.Id == e.ActingAsUserId).Select(u => u.DisplayName).FirstOrDefault()))
            .ToListAsync(cancellationToken);
        return rows.Count > size ? new AuditPage(rows[..size], rows[size - 1].Sequence) : new AuditPage(rows, null);
    }
}
