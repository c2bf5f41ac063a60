using Portico.Features.Accounts;
using Portico.Features.Shared;

namespace Portico.Features.Home;

/// Sends people where they work: staff to the console, customers to their last or only account.
public sealed class IndexModel(PorticoDb db, TimeProvider clock) : PageModel
{
    public IReadOnlyList<AccountChoice> Accounts { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (User.HasClaim(c => c.Type == StaffHandler.StaffRoleClaim))
        {
            return Redirect("/staff");
        }
        Accounts = await PortalShell.ActiveAccountsAsync(db, User.UserId()!.Value, clock.GetUtcNow().UtcDateTime, cancellationToken);
        var last = Request.Cookies[SwitchModel.LastAccountCookie];
        var target = Accounts.FirstOrDefault(a => a.AccountId.ToString() == last) ?? (Accounts.Count == 1 ? Accounts[0] : null);
        return target is null ? Page() : Redirect($"/a/{target.AccountId}");
    }
}
