using Portico.Features.Requests.Staff;

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
            var now = clock.GetUtcNow().UtcDateTime;
            // Each count stops where the queue's does, so the page stays quick with any amount of open work.
            // Open by status, not by the IsOpen flag, so that the assignee-and-status index answers each count alone.
            var open = db.Requests.Where(r => r.Status == Requests.RequestStatus.New || r.Status == Requests.RequestStatus.InProgress
                || r.Status == Requests.RequestStatus.WaitingOnCustomer);
            OpenRequests = await open.CountCappedAsync(cancellationToken);
            Unassigned = await open.Where(r => r.AssigneeId == null).CountCappedAsync(cancellationToken);
            Mine = await open.Where(r => r.AssigneeId == userId).CountCappedAsync(cancellationToken);
            Breached = await open.Breached(now).CountCappedAsync(cancellationToken);
        }
    }
}
