using Microsoft.AspNetCore.Authentication;
using Portico.Features.SingleSignOn;

namespace Portico.Features.Identity;

[AllowAnonymous]
[SignedOutOnly]
[EnableRateLimiting(LoginLimits.Policy)]
public sealed class LoginModel(SignInWithPassword signIn, SignInWithPasskey passkeySignIn, SingleSignOnDirectory directory,
    SingleSignOnSchemes schemes, PorticoDb db, IStringLocalizer<LoginModel> text) : PageModel
{
    [BindProperty]
    public LoginForm Form { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// Back from a password reset of someone who signs in with an authenticator code.
    public bool PasswordReset => Request.Query["reset"] == "done";

    /// Why single sign-on came back here, when it did.
    public string? SingleSignOnProblem => Request.Query["sso"] is { Count: > 0 } reason ? SingleSignOnReasons.Message(reason) : null;

    public void OnGet()
    {
    }

    /// Home-realm discovery: the email's domain names the provider; the answer is the same whether or not the person exists.
    public async Task<IActionResult> OnPostSingleSignOnAsync(CancellationToken cancellationToken)
    {
        // Only the email matters here; the password field is not part of this step.
        ModelState.Clear();
        if (!new EmailAddressAttribute().IsValid(Form.Email) || string.IsNullOrWhiteSpace(Form.Email) || Form.Email.Length > 256)
        {
            ModelState.AddModelError("Form.Email", text["Enter your email address, then choose single sign-on."]);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        if (await directory.FindAsync(Form.Email, cancellationToken) is not { } provider
            || await schemes.PrepareAsync(db, provider.Id, cancellationToken) is not { } scheme)
        {
            ModelState.AddModelError(string.Empty, text["Single sign-on is not set up for that email's domain. Sign in with your password, a passkey or an email link."]);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var properties = new AuthenticationProperties();
        properties.Items[SingleSignOnEvents.ReturnUrlItem] = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";
        properties.Items[SingleSignOnEvents.LoginHintItem] = Form.Email.Trim();
        await HttpContext.ChallengeAsync(scheme, properties);
        return SingleSignOnHandOver.AsPage(Response);
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
            ModelState.AddModelError(string.Empty, text["That passkey did not sign you in. Try again, or sign in with your password."]);
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
            case SignInOutcome.SingleSignOnRequired:
                ModelState.AddModelError(string.Empty, SingleSignOnDirectory.RequiredMessage);
                return Page();
            case SignInOutcome.LockedOut:
                ModelState.AddModelError(string.Empty, text["Signing in is locked for a while after too many failed attempts. Try again later or reset your password."]);
                return Page();
            default:
                // Same words whether the email is unknown or the password wrong.
                ModelState.AddModelError(string.Empty, text["That email and password do not match an account."]);
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
