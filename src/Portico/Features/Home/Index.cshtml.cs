using Portico.Features.Billing;

namespace Portico.Features.Home;

/// One account on the landing of a person with several: what waits on them there, as far as their role there shows it.
public sealed record AccountLanding(AccountChoice Account, int RequestsWaiting, int InvoicesOverdue);

/// Sends people where they work: staff to the console, customers to their last or only account.
public sealed class IndexModel(PorticoDb db, TimeProvider clock) : PageModel
{
    public IReadOnlyList<AccountLanding> Accounts { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (User.HasClaim(c => c.Type == StaffHandler.StaffRoleClaim))
        {
            return Redirect("/staff");
        }
        var userId = User.UserId()!.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var accounts = await PortalShell.ActiveAccountsAsync(db, userId, now, cancellationToken);
        var last = Request.Cookies[SwitchModel.LastAccountCookie];
        var target = accounts.FirstOrDefault(a => a.AccountId.ToString() == last) ?? (accounts.Count == 1 ? accounts[0] : null);
        if (target is not null)
        {
            return Redirect($"/a/{target.AccountId}");
        }
        Accounts = await LandingAsync(userId, accounts, DateOnly.FromDateTime(now), cancellationToken);
        return Page();
    }

    private async Task<List<AccountLanding>> LandingAsync(Guid userId, List<AccountChoice> accounts, DateOnly today, CancellationToken ct)
    {
        if (accounts.Count == 0)
        {
            return [];
        }
        var ids = accounts.Select(a => a.AccountId).ToList();
        // Counted only where the person's role in that account shows requests or invoices.
        var grants = await db.Memberships.AcrossAccounts().AsNoTracking()
            .Where(m => m.UserId == userId && ids.Contains(m.AccountId))
            .Select(m => new { m.AccountId, m.Role.Permissions })
            .ToListAsync(ct);
        var seeRequests = grants.Where(g => g.Permissions.Contains(Permissions.RequestsView)).Select(g => g.AccountId).ToList();
        var seeInvoices = grants.Where(g => g.Permissions.Contains(Permissions.InvoicesView)).Select(g => g.AccountId).ToList();
        var waiting = seeRequests.Count == 0 ? [] : await db.Requests.AcrossAccounts().AsNoTracking()
            .Where(r => seeRequests.Contains(r.AccountId) && r.SubmitterId == userId
                && (r.Status == RequestStatus.WaitingOnCustomer || r.Status == RequestStatus.Resolved))
            .GroupBy(r => r.AccountId).Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(ct);
        var overdue = seeInvoices.Count == 0 ? [] : await db.Invoices.AcrossAccounts().AsNoTracking()
            .Where(i => seeInvoices.Contains(i.AccountId) && i.Status == InvoiceStatus.Open && i.TotalMinor > i.PaidMinor && i.DueOn < today)
            .GroupBy(i => i.AccountId).Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(ct);
        return accounts.Select(a => new AccountLanding(a,
            waiting.FirstOrDefault(w => w.Key == a.AccountId)?.Count ?? 0,
            overdue.FirstOrDefault(o => o.Key == a.AccountId)?.Count ?? 0)).ToList();
    }
}
