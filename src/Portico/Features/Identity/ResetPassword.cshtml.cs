namespace Portico.Features.Identity;

[AllowAnonymous]
[SignedOutOnly]
[EnableRateLimiting(LoginLimits.Policy)]
public sealed class ResetPasswordModel(ResetForgottenPassword reset) : PageModel
{
    /// From the emailed link, and posted back with the form.
    [BindProperty(SupportsGet = true, Name = "user")]
    public string? LinkUser { get; set; }

    [BindProperty(SupportsGet = true, Name = "code")]
    public string? Code { get; set; }

    /// Only the new password and its confirmation are shown; there is no current one to give.
    [BindProperty]
    public PasswordForm Password { get; set; } = new();

    public bool LinkSpent { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await reset.IsValidAsync(LinkUser, Code))
        {
            return Spent();
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var form = Password;
        // Passwords are never shown again on the page.
        Password = new PasswordForm();
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var (outcome, errors) = await reset.ResetAsync(LinkUser, Code, form.NewPassword, ct);
        switch (outcome)
        {
            case PasswordResetOutcome.Done:
                return Redirect("/");
            case PasswordResetOutcome.DoneSignInWithTwoFactor:
                return Redirect("/login?reset=done");
            case PasswordResetOutcome.WeakPassword:
                foreach (var error in errors)
                {
                    ModelState.AddModelError($"{nameof(Password)}.{nameof(PasswordForm.NewPassword)}", error);
                }
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            default:
                return Spent();
        }
    }

    private PageResult Spent()
    {
        LinkSpent = true;
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }
}
