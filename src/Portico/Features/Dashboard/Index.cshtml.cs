using Portico.Features.Activity;

namespace Portico.Features.Dashboard;

public sealed record ActionItem(Guid RequestId, int Number, string Subject, RequestStatus Status);

/// How soon something is due, as a badge beside it: overdue in red, due within a week in amber, later in grey.
public static class DueState
{
    public static Shared.Badge? Of(DateOnly? dueOn, DateOnly today) => dueOn is not { } due ? null : (due.DayNumber - today.DayNumber) switch
    {
        < -1 and var days => new(HumanText.Localize("Overdue by {0} days", -days), Shared.Tone.Danger, null),
        -1 => new(HumanText.Localize("Overdue by 1 day"), Shared.Tone.Danger, null),
        0 => new(HumanText.Localize("Due today"), Shared.Tone.Waiting, null),
        1 => new(HumanText.Localize("Due tomorrow"), Shared.Tone.Waiting, null),
        var days => new(HumanText.Localize("Due in {0} days", days), days <= 7 ? Shared.Tone.Waiting : Shared.Tone.Neutral, null),
    };
}

[AccountPermission(Permissions.AccountView)]
public sealed class IndexModel(PorticoDb db, AccountContext account, RequestAccess requests, Documents.DocumentAccess documents, TimeProvider clock) : PageModel
{
    private const int FeedLength = 10;

    public string AccountName { get; private set; } = "";
    public int ActiveMembers { get; private set; }
    public int OpenRequests { get; private set; }
    public bool SeesRequests { get; private set; }
    public IReadOnlyList<ActionItem> NeedsAction { get; private set; } = [];
    public IReadOnlyList<ActivityEntry> Activity { get; private set; } = [];
    public IReadOnlyList<Documents.DocumentRequestRow> AskedDocuments { get; private set; } = [];
    public int ToAcknowledge { get; private set; }
    public DateTime Now => clock.GetUtcNow().UtcDateTime;
    public DateOnly Today => DateOnly.FromDateTime(Now);
    /// Everything listed under "Needs your action", to count it in the heading.
    public int ActionCount => (ApprovalsWaiting > 0 ? 1 : 0) + NeedsAction.Count + InvoicesDue.Count + AskedDocuments.Count + (ToAcknowledge > 0 ? 1 : 0);
    public IReadOnlyList<Billing.InvoiceRow> InvoicesDue { get; private set; } = [];
    public IReadOnlyList<Orders.OrderRow> ActiveOrders { get; private set; } = [];
    public IReadOnlyList<string> YourPermissions { get; private set; } = [];
    /// Changes routed to an Owner that this Owner may decide.
    public int ApprovalsWaiting { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var accountId = account.Id;
        var now = clock.GetUtcNow().UtcDateTime;
        // The page's queries share one open connection instead of taking it from the pool and resetting it each time.
        await db.Database.OpenConnectionAsync(cancellationToken);
        YourPermissions = account.Permissions.Order(StringComparer.Ordinal).Select(p => HumanText.Localize(Permissions.Descriptions[p])).ToList();
        SeesRequests = account.Permissions.Contains(Permissions.RequestsView);
        var seesDocuments = account.Permissions.Contains(Permissions.DocumentsView);
        var visible = requests.Visible();
        var role = account.RoleName ?? "";
        var userId = requests.UserId;
        var approvesAsOwner = role == BuiltInRoles.Owner;
        var unacknowledged = documents.VisibleDocuments().Where(d => d.AcknowledgementRoles.Contains(role)
            && !db.DocumentAcknowledgements.Any(a => a.VersionId == d.CurrentVersionId && a.UserId == userId));
        // The headline numbers in one round trip; a count the role may not see is not run (CASE short-circuits).
        var summary = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => new
            {
                a.Name,
                // The global filter already limits memberships, requests and documents to this account.
                Members = db.Memberships.Count(m => m.ExpiresAt == null || m.ExpiresAt > now),
                Open = SeesRequests ? visible.Count(r => r.Status != RequestStatus.Resolved && r.Status != RequestStatus.Closed) : 0,
                ToAcknowledge = seesDocuments ? unacknowledged.Count() : 0,
                // Most accounts have no open document request; the list below is read only when some exist.
                DocumentRequestsOpen = seesDocuments && db.DocumentRequests.Any(r => r.FulfilledAt == null),
                Approvals = approvesAsOwner ? db.ChangeRequests.Count(c => c.Status == Approvals.ChangeStatus.Pending
                    && c.Approver == Approvals.ApproverKind.AccountOwner && c.RequestedById != userId) : 0,
            })
            .SingleAsync(cancellationToken);
        (AccountName, ActiveMembers, OpenRequests, ToAcknowledge, ApprovalsWaiting) =
            (summary.Name, summary.Members, summary.Open, summary.ToAcknowledge, summary.Approvals);
        if (summary.DocumentRequestsOpen)
        {
            AskedDocuments = await Documents.DocumentQueries.RequestsAsync(documents.VisibleFolders(), db, openOnly: true, cancellationToken);
        }
        var today = DateOnly.FromDateTime(now);
        if (account.Permissions.Contains(Permissions.InvoicesView))
        {
            // Overdue first, then what falls due in the next two weeks.
            var soon = today.AddDays(14);
            InvoicesDue = await db.Invoices.AsNoTracking()
                .Where(i => i.Status == Billing.InvoiceStatus.Open && i.TotalMinor > i.PaidMinor && i.DueOn <= soon)
                .OrderBy(i => i.DueOn).Take(10)
                .Select(i => new Billing.InvoiceRow(i.Id, i.Number, i.Currency, i.IssuedOn, i.DueOn, i.Status, i.TotalMinor, i.PaidMinor, i.SyncedAt))
                .ToListAsync(cancellationToken);
        }
        if (account.Permissions.Contains(Permissions.OrdersView))
        {
            var done = Orders.Order.FinishedStatuses;
            ActiveOrders = await db.Orders.AsNoTracking().Where(o => !done.Contains(o.Status)).OrderByDescending(o => o.UpdatedAt).Take(5)
                .Select(o => new Orders.OrderRow(o.Id, o.Reference, o.Title, o.Kind, o.Status, o.Milestones, o.UpdatedAt))
                .ToListAsync(cancellationToken);
        }
        if (!SeesRequests)
        {
            return;
        }
        if (requests.CanAct)
        {
            NeedsAction = await visible
                .Where(r => r.Status == RequestStatus.WaitingOnCustomer || r.Status == RequestStatus.Resolved)
                .Where(r => r.SubmitterId == userId || r.SharedWithAccount)
                .OrderBy(r => r.UpdatedAt).Take(20)
                .Select(r => new ActionItem(r.Id, r.Number, r.Subject, r.Status))
                .ToListAsync(cancellationToken);
        }
        // Only entries about requests this person may see; document entries only with documents access.
        Activity = await db.ActivityEntries.AsNoTracking()
            .Where(e => e.RequestId == null ? seesDocuments : visible.Any(r => r.Id == e.RequestId))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(FeedLength)
            .ToListAsync(cancellationToken);
    }
}
