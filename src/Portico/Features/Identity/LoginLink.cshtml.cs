namespace Portico.Features.Identity;

[AllowAnonymous]
[SignedOutOnly]
[EnableRateLimiting(LoginLimits.Policy)]
public sealed class LoginLinkModel(MagicLinks links, IStringLocalizer<LoginLinkModel> text) : PageModel
{
    [BindProperty, Required(ErrorMessage = "Enter your email address."), EmailAddress(ErrorMessage = "Enter a valid email address."), StringLength(256)]
    public string Email { get; set; } = "";

    public bool Sent { get; private set; }
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? token, CancellationToken ct)
    {
        if (token is null)
        {
            return Page();
        }
        switch (await links.UseAsync(token, HttpContext, ct))
        {
            case MagicLinkOutcome.SignedIn:
                return Redirect("/");
            case MagicLinkOutcome.RequiresTwoFactor:
                return Redirect("/login/two-factor");
            case MagicLinkOutcome.SingleSignOnRequired:
                Problem = SingleSignOn.SingleSignOnDirectory.RequiredMessage;
                break;
            case MagicLinkOutcome.OtherBrowser:
                Problem = text["Open the link in the same browser where you asked for it, or ask for a new link here."];
                break;
            default:
                Problem = text["This sign-in link is not valid any more: links work once and for 15 minutes. Ask for a new one."];
                break;
        }
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        if (!await links.RequestAsync(Email.Trim(), HttpContext, ct))
        {
            ModelState.AddModelError(string.Empty, SingleSignOn.SingleSignOnDirectory.RequiredMessage);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        Sent = true;
        return Page();
    }
}
