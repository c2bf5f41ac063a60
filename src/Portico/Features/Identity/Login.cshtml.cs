using Microsoft.AspNetCore.RateLimiting;

namespace Portico.Features.Identity;

[AllowAnonymous]
[SignedOutOnly]
[EnableRateLimiting(LoginLimits.Policy)]
public sealed class LoginModel(SignInWithPassword signIn, SignInWithPasskey passkeySignIn) : PageModel
{
    [BindProperty]
    public LoginForm Form { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// Back from a password reset of someone who signs in with an authenticator code.
    public bool PasswordReset => Request.Query["reset"] == "done";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var outcome = await signIn.RunAsync(Form.Email, Form.Password, Form.RememberMe, cancellationToken);
        return AfterSignIn(outcome);
    }

    /// The JSON the page's script hands to navigator.credentials.get.
    public async Task<IActionResult> OnPostPasskeyOptionsAsync() => Content(await passkeySignIn.RequestOptionsAsync(), "application/json");

    public async Task<IActionResult> OnPostPasskeyAsync(string? credentialJson, CancellationToken cancellationToken)
    {
        // The password form's fields are not part of this sign-in.
        ModelState.Clear();
        var outcome = await passkeySignIn.RunAsync(credentialJson, cancellationToken);
        if (outcome == SignInOutcome.Failed)
        {
            ModelState.AddModelError(string.Empty, "That passkey did not sign you in. Try again, or sign in with your password.");
            return Page();
        }
        return AfterSignIn(outcome);
    }

    private IActionResult AfterSignIn(SignInOutcome outcome)
    {
        switch (outcome)
        {
            case SignInOutcome.SignedIn:
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
            case SignInOutcome.RequiresTwoFactor:
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl)
                    ? $"/login/two-factor?returnUrl={Uri.EscapeDataString(ReturnUrl)}&rememberMe={Form.RememberMe}"
                    : $"/login/two-factor?rememberMe={Form.RememberMe}");
            case SignInOutcome.LockedOut:
                ModelState.AddModelError(string.Empty, "Signing in is locked for a while after too many failed attempts. Try again later or reset your password.");
                return Page();
            default:
                // Same words whether the email is unknown or the password wrong.
                ModelState.AddModelError(string.Empty, "That email and password do not match an account.");
                return Page();
        }
    }
}

public sealed class LoginForm
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256)]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    [StringLength(256)]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [Display(Name = "Keep me signed in on this device")]
    public bool RememberMe { get; set; }
}
