namespace Portico.Features.Staff;

public sealed class FirstAdminForm
{
    [Required(ErrorMessage = "Enter your name."), StringLength(200)]
    public string Name { get; set; } = "";

    [Required(ErrorMessage = "Enter your email address."), EmailAddress(ErrorMessage = "Enter an email address such as ana@example.com."), StringLength(256)]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Choose a password."), StringLength(256), DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [Compare(nameof(Password), ErrorMessage = "The passwords do not match."), DataType(DataType.Password)]
    public string ConfirmPassword { get; set; } = "";
}

public sealed class NewPasswordForm
{
    [Required(ErrorMessage = "Choose a password."), StringLength(256), DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [Compare(nameof(Password), ErrorMessage = "The passwords do not match."), DataType(DataType.Password)]
    public string ConfirmPassword { get; set; } = "";
}

/// Where a setup link lands: the first staff Admin creates their sign-in, or an Admin made by the command
/// chooses a password. Either way they are signed in and sent to set up two-factor sign-in at once.
[AllowAnonymous]
[SignedOutOnly]
[EnableRateLimiting(LoginLimits.Policy)]
public sealed class SetupModel(StaffSetup setup, SignInManager<PorticoUser> signIn) : PageModel
{
    public const string Next = "/account/security";

    public SetupLinkState? Link { get; private set; }

    public FirstAdminForm Admin { get; private set; } = new();

    public NewPasswordForm NewPassword { get; private set; } = new();

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        Link = await setup.CheckAsync(token, ct);
        return Answer();
    }

    public async Task<IActionResult> OnPostCreateAsync(string token, [Bind(Prefix = "Admin")] FirstAdminForm admin, CancellationToken ct)
    {
        Admin = admin;
        Link = await setup.CheckAsync(token, ct);
        if (Link.Refusal is not null || Link.Kind != SetupLinkKind.FirstAdmin)
        {
            return Refused(Link.Refusal);
        }
        if (!ModelState.IsValid)
        {
            return Unprocessable();
        }
        return await DoneAsync(await setup.CreateFirstAdminAsync(token, admin.Name.Trim(), admin.Email.Trim(), admin.Password, ct));
    }

    public async Task<IActionResult> OnPostPasswordAsync(string token, [Bind(Prefix = "NewPassword")] NewPasswordForm newPassword, CancellationToken ct)
    {
        Link = await setup.CheckAsync(token, ct);
        if (Link.Refusal is not null || Link.Kind != SetupLinkKind.SetPassword)
        {
            return Refused(Link.Refusal);
        }
        if (!ModelState.IsValid)
        {
            return Unprocessable();
        }
        return await DoneAsync(await setup.SetPasswordAsync(token, newPassword.Password, ct));
    }

    private async Task<IActionResult> DoneAsync(SetupOutcome outcome)
    {
        if (outcome.Refusal is not null)
        {
            Link = Link! with { Refusal = outcome.Refusal };
            return Refused(outcome.Refusal);
        }
        if (outcome.Admin is null)
        {
            foreach (var error in outcome.Errors)
            {
                ModelState.AddModelError(error.Field == StaffSetup.PasswordField && Link!.Kind == SetupLinkKind.SetPassword ? "NewPassword.Password"
                    : error.Field == StaffSetup.PasswordField ? "Admin.Password" : error.Field, error.Message);
            }
            return Unprocessable();
        }
        await signIn.SignInAsync(outcome.Admin, isPersistent: false);
        return Redirect(Next);
    }

    private PageResult Answer()
    {
        if (Link!.Refusal is { } refusal)
        {
            Response.StatusCode = refusal.Status;
        }
        return Page();
    }

    private PageResult Refused(SetupRefusal? refusal)
    {
        // A post that does not match what the link is for is as good as an unknown link.
        Link = Link! with { Refusal = refusal ?? new SetupRefusal(StatusCodes.Status404NotFound, "wrong_form", "This link does not open that form.") };
        Response.StatusCode = Link.Refusal!.Status;
        return Page();
    }

    private PageResult Unprocessable()
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }
}
