namespace Portico.Features.Identity;

/// The second sign-in step: a code from the authenticator app, or one of the recovery codes.
[AllowAnonymous]
[SignedOutOnly]
[EnableRateLimiting(LoginLimits.Policy)]
public sealed class TwoFactorModel(SignInWithSecondFactor signIn, IStringLocalizer<TwoFactorModel> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool RememberMe { get; set; }

    [BindProperty]
    [StringLength(20)]
    public string? Code { get; set; }

    [BindProperty]
    [StringLength(40)]
    public string? RecoveryCode { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.PendingUserAsync() is null ? StartAgain() : Page();

    public Task<IActionResult> OnPostAsync(CancellationToken cancellationToken) =>
        RunAsync(SecondFactor.AuthenticatorCode, Code, nameof(Code), text["Enter the 6-digit code from your authenticator app."], cancellationToken);

    public Task<IActionResult> OnPostRecoveryAsync(CancellationToken cancellationToken) =>
        RunAsync(SecondFactor.RecoveryCode, RecoveryCode, nameof(RecoveryCode), text["Enter one of your recovery codes."], cancellationToken);

    private async Task<IActionResult> RunAsync(SecondFactor factor, string? code, string field, string missing, CancellationToken cancellationToken)
    {
        var user = await signIn.PendingUserAsync();
        if (user is null)
        {
            return StartAgain();
        }
        if (string.IsNullOrWhiteSpace(code))
        {
            ModelState.AddModelError(field, missing);
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        switch (await signIn.RunAsync(user, factor, code!, RememberMe, cancellationToken))
        {
            case SignInOutcome.SignedIn:
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
            case SignInOutcome.LockedOut:
                ModelState.AddModelError(string.Empty, text["Signing in is locked for a while after too many failed attempts. Try again later."]);
                return Page();
            default:
                ModelState.AddModelError(field, factor == SecondFactor.AuthenticatorCode
                    ? text["That code is not right. Enter the code your app shows now; each code works once."]
                    : text["That recovery code is not right, or it has been used already."]);
                return Page();
        }
    }

    /// The password step was too long ago (or never happened in this browser).
    private RedirectResult StartAgain() =>
        Redirect(Url.IsLocalUrl(ReturnUrl) ? $"/login?returnUrl={Uri.EscapeDataString(ReturnUrl)}" : "/login");
}
