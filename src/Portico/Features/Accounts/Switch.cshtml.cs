namespace Portico.Features.Accounts;

/// Switching is only a convenience: every account page checks membership again from its route.
public sealed class SwitchModel(SwitchAccount switchAccount) : PageModel
{
    public const string LastAccountCookie = "portico.account";

    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(string? accountId, CancellationToken cancellationToken)
    {
        if ((await switchAccount.SwitchAsync(User.UserId()!.Value, accountId, cancellationToken)).Value is not { } target)
        {
            return NotFound();
        }
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
