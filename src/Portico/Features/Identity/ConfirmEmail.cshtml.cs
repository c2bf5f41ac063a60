namespace Portico.Features.Identity;

/// Where the link in the confirmation email lands. Only the person who asked, signed in, can use it;
/// everyone else is sent to sign in first (the app's fallback policy) or refused.
public sealed class ConfirmEmailModel(UserManager<PorticoUser> users, ChangeEmail changeEmail, IStringLocalizer<ConfirmEmailModel> text) : PageModel
{
    public string Problem { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string? user, string? email, string? code, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } person)
        {
            return Challenge();
        }
        var signedInAs = person.Email;
        switch (await changeEmail.ConfirmAsync(person, user, email, code, cancellationToken))
        {
            case EmailConfirmOutcome.Changed:
                return Redirect("/account/profile?done=email-changed");
            case EmailConfirmOutcome.OtherPerson:
                Problem = text["This link is for another person's account, and you are signed in as {0}. Nothing was changed. Sign out, sign in as the person who asked for the change, and open the link again.", signedInAs ?? ""];
                Response.StatusCode = StatusCodes.Status403Forbidden;
                break;
            case EmailConfirmOutcome.Taken:
                Problem = text["That address is now used by another account, so your email was not changed. You still sign in with your current address."];
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            default:
                Problem = text["This confirmation link is not valid any more. Links work once, for {0}, and only until your password or email changes. Nothing was changed; ask for a new link on your profile.", ChangeEmail.Describe(changeEmail.LinkLifetime)];
                Response.StatusCode = StatusCodes.Status410Gone;
                break;
        }
        return Page();
    }
}
