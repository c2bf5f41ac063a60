using Portico.Features.Audit;
using Portico.Features.Shared;

namespace Portico.Features.Accounts;

/// Switching is only a convenience: every account page checks membership again from its route.
public sealed class SwitchModel(PorticoDb db, AuditLog audit, TimeProvider clock) : PageModel
{
    public const string LastAccountCookie = "portico.account";

    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(string? accountId, CancellationToken cancellationToken)
    {
        var accounts = await PortalShell.ActiveAccountsAsync(db, User.UserId()!.Value, clock.GetUtcNow().UtcDateTime, cancellationToken);
        var target = Guid.TryParse(accountId, out var id) ? accounts.FirstOrDefault(a => a.AccountId == id) : null;
        if (target is null)
        {
            audit.Record(AuditActions.AccessDenied, targetType: "Account", targetId: accountId?.Length > 100 ? accountId[..100] : accountId,
                details: new { reason = "switch_to_account_without_membership" });
            await db.SaveChangesAsync(cancellationToken);
            return NotFound();
        }
        audit.Record(AuditActions.AccountSwitched, target.AccountId, "Account", target.AccountId.ToString());
        await db.SaveChangesAsync(cancellationToken);
        Response.Cookies.Append(LastAccountCookie, target.AccountId.ToString(), new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Secure = Request.IsHttps,
            MaxAge = TimeSpan.FromDays(90),
        });
        return Redirect($"/a/{target.AccountId}");
    }
}
