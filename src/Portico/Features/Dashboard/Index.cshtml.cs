using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Features.Activity;
using Portico.Features.Requests;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Dashboard;

public sealed record ActionItem(Guid RequestId, int Number, string Subject, RequestStatus Status);

[Authorize(Policy = "account:" + Permissions.AccountView)]
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
    public IReadOnlyList<Billing.InvoiceRow> InvoicesDue { get; private set; } = [];
    public IReadOnlyList<Orders.OrderRow> ActiveOrders { get; private set; } = [];
    public IReadOnlyList<string> YourPermissions { get; private set; } = [];
    /// Changes routed to an Owner that this Owner may decide.
    public int ApprovalsWaiting { get; private set; }

    public async Task OnGetAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        AccountName = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Name).SingleAsync(cancellationToken);
        // The global filter already limits memberships to this account.
        ActiveMembers = await db.Memberships.CountAsync(m => m.ExpiresAt == null || m.ExpiresAt > now, cancellationToken);
        YourPermissions = account.Permissions.Order(StringComparer.Ordinal).Select(p => Permissions.Descriptions[p]).ToList();
        if (account.RoleName == BuiltInRoles.Owner)
        {
            var me = User.UserId();
            ApprovalsWaiting = await db.ChangeRequests.CountAsync(c => c.Status == Approvals.ChangeStatus.Pending
                && c.Approver == Approvals.ApproverKind.AccountOwner && c.RequestedById != me, cancellationToken);
        }
        if (account.Permissions.Contains(Permissions.DocumentsView))
        {
            var folders = documents.VisibleFolders();
            AskedDocuments = await Documents.DocumentQueries.RequestsAsync(folders, db, openOnly: true, cancellationToken);
            var me = documents.Customer;
            var role = me.RoleName ?? "";
            ToAcknowledge = await documents.VisibleDocuments().CountAsync(d => d.AcknowledgementRoles.Contains(role)
                && !db.DocumentAcknowledgements.Any(a => a.VersionId == d.CurrentVersionId && a.UserId == me.UserId), cancellationToken);
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
        SeesRequests = account.Permissions.Contains(Permissions.RequestsView);
        if (!SeesRequests)
        {
            return;
        }
        var visible = requests.Visible();
        OpenRequests = await visible.CountAsync(r => r.Status != RequestStatus.Resolved && r.Status != RequestStatus.Closed, cancellationToken);
        if (requests.CanAct)
        {
            var userId = requests.UserId;
            NeedsAction = await visible
                .Where(r => r.Status == RequestStatus.WaitingOnCustomer || r.Status == RequestStatus.Resolved)
                .Where(r => r.SubmitterId == userId || r.SharedWithAccount)
                .OrderBy(r => r.UpdatedAt).Take(20)
                .Select(r => new ActionItem(r.Id, r.Number, r.Subject, r.Status))
                .ToListAsync(cancellationToken);
        }
        // Only entries about requests this person may see; document entries only with documents access.
        var seesDocuments = account.Permissions.Contains(Permissions.DocumentsView);
        Activity = await db.ActivityEntries.AsNoTracking()
            .Where(e => e.RequestId == null ? seesDocuments : visible.Any(r => r.Id == e.RequestId))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(FeedLength)
            .ToListAsync(cancellationToken);
    }
}
