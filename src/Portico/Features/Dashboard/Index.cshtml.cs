using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Dashboard;

[Authorize(Policy = "account:" + Permissions.AccountView)]
public sealed class IndexModel(PorticoDb db, AccountContext account, TimeProvider clock) : PageModel
{
    public string AccountName { get; private set; } = "";
    public int ActiveMembers { get; private set; }
    public IReadOnlyList<string> YourPermissions { get; private set; } = [];

    public async Task OnGetAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        AccountName = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Name).SingleAsync(cancellationToken);
        // The global filter already limits memberships to this account.
        ActiveMembers = await db.Memberships.CountAsync(m => m.ExpiresAt == null || m.ExpiresAt > now, cancellationToken);
        YourPermissions = account.Permissions.Order(StringComparer.Ordinal).Select(p => Permissions.Descriptions[p]).ToList();
    }
}
