namespace Portico.Features.Staff;

[Authorize(Policy = Policies.Staff)]
public sealed class IndexModel(PorticoDb db, TimeProvider clock) : PageModel
{
    public bool WorksRequests { get; private set; }
    public int OpenRequests { get; private set; }
    public int Unassigned { get; private set; }
    public int Mine { get; private set; }
    public int Breached { get; private set; }
    public int Accounts { get; private set; }
    public int PendingOutbox { get; private set; }
    public int FailedOutbox { get; private set; }
    /// Pending changes this staff member may decide.
    public int ApprovalsWaiting { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Accounts = await db.Accounts.CountAsync(cancellationToken);
        PendingOutbox = await db.OutboxMessages.CountAsync(m => m.DeliveredAt == null && m.FailedAt == null, cancellationToken);
        FailedOutbox = await db.OutboxMessages.CountAsync(m => m.FailedAt != null, cancellationToken);
        var userId = User.UserId();
        var isAdmin = User.HasClaim(StaffHandler.StaffRoleClaim, nameof(Identity.StaffRole.Admin));
        ApprovalsWaiting = await db.ChangeRequests.CountAsync(c => c.Status == Approvals.ChangeStatus.Pending && c.RequestedById != userId
            && (c.Approver == Approvals.ApproverKind.StaffAdmin ? isAdmin
                : c.Approver == Approvals.ApproverKind.AccountManager && db.Accounts.Any(a => a.Id == c.AccountId
                    && (a.AccountManagerId == null ? isAdmin : a.AccountManagerId == userId))), cancellationToken);
        WorksRequests = !User.HasClaim(StaffHandler.StaffRoleClaim, nameof(Identity.StaffRole.Finance));
        if (WorksRequests)
        {
            var me = User.UserId();
            var now = clock.GetUtcNow().UtcDateTime;
            var open = db.Requests.Where(r => r.Status != Requests.RequestStatus.Resolved && r.Status != Requests.RequestStatus.Closed);
            var counts = await open.GroupBy(_ => 1).Select(g => new
            {
                Open = g.Count(),
                Unassigned = g.Count(r => r.AssigneeId == null),
                Mine = g.Count(r => r.AssigneeId == me),
                Breached = g.Count(r => r.Status != Requests.RequestStatus.WaitingOnCustomer
                    && ((r.FirstRespondedAt == null && r.FirstResponseDueAt < now) || r.ResolutionDueAt < now)),
            }).SingleOrDefaultAsync(cancellationToken);
            (OpenRequests, Unassigned, Mine, Breached) = counts is null ? (0, 0, 0, 0) : (counts.Open, counts.Unassigned, counts.Mine, counts.Breached);
        }
    }
}
