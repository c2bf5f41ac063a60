using Microsoft.EntityFrameworkCore;
using Portico.Infrastructure.Data;

namespace Portico.Features.Approvals;

public sealed record ChangeRow(
    Guid Id, Guid AccountId, string AccountName, string Summary, ApproverKind Approver, Guid RequestedById, string RequestedByName,
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
        var rows = changes.Join(db.Accounts, c => c.AccountId, a => a.Id, (c, a) => new ChangeRow(
            c.Id, c.AccountId, a.Name, c.Summary, c.Approver, c.RequestedById, c.RequestedByName, c.RequestedAt, c.Status,
            c.DecidedByName, c.DecidedAt, c.Reason, a.AccountManagerId));
        var pending = await rows.Where(r => r.Status == ChangeStatus.Pending).OrderBy(r => r.RequestedAt).Take(200).ToListAsync(ct);
        var decided = await rows.Where(r => r.Status != ChangeStatus.Pending).OrderByDescending(r => r.DecidedAt).Take(DecidedShown).ToListAsync(ct);
        return (pending, decided);
    }
}

public sealed record ChangeListView(IReadOnlyList<ChangeRow> Pending, IReadOnlyList<ChangeRow> Decided, bool ShowAccount);
