namespace Portico.Features.Approvals;

public sealed record ChangeRow(
    Guid Id, Guid AccountId, string AccountName, string Type, string Payload, ApproverKind Approver, Guid RequestedById, string RequestedByName,
    DateTime RequestedAt, ChangeStatus Status, string? DecidedByName, DateTime? DecidedAt, string? Reason, Guid? AccountManagerId)
{
    /// Set by the page for the person looking at it.
    public bool CanDecide { get; init; }
    public bool CanWithdraw { get; init; }
}

public static class ApprovalQueries
{
    public const int DecidedShown = 50;

    /// Pending changes first (oldest first), then the latest decisions.
    public static async Task<(List<ChangeRow> Pending, List<ChangeRow> Decided)> ListAsync(IQueryable<ChangeRequest> changes, PorticoDb db, CancellationToken ct)
    {
        var pending = await Rows(changes.Where(c => c.Status == ChangeStatus.Pending).OrderBy(c => c.RequestedAt).Take(200), db).ToListAsync(ct);
        var decided = await Rows(changes.Where(c => c.Status != ChangeStatus.Pending).OrderByDescending(c => c.DecidedAt).Take(DecidedShown), db).ToListAsync(ct);
        // The join may not keep the order of the limited set, so order again here.
        return (pending.OrderBy(r => r.RequestedAt).ToList(), decided.OrderByDescending(r => r.DecidedAt).ToList());
    }

    private static IQueryable<ChangeRow> Rows(IQueryable<ChangeRequest> changes, PorticoDb db) =>
        changes.Join(db.Accounts, c => c.AccountId, a => a.Id, (c, a) => new ChangeRow(
            c.Id, c.AccountId, a.Name, c.Type, c.Payload, c.Approver, c.RequestedById, c.RequestedByName, c.RequestedAt, c.Status,
            c.DecidedByName, c.DecidedAt, c.Reason, a.AccountManagerId));
}

public sealed record ChangeListView(IReadOnlyList<ChangeRow> Pending, IReadOnlyList<ChangeRow> Decided, bool ShowAccount);
