using QRCoder;

namespace Portico.Features.Identity;

/// Each signed-in person's own sign-in settings on one page: two-factor sign-in (Security.TwoFactor.cs),
/// passkeys (Security.Passkeys.cs) and password (Security.Password.cs). The work is done by ManageTwoFactor,
/// ManagePasskeys and ChangePassword; this page shows the state and answers the forms.
public sealed partial class SecurityModel(
    UserManager<PorticoUser> users, SignInManager<PorticoUser> signIn, IOptions<BrandingOptions> branding,
    ManageTwoFactor twoFactor, ManagePasskeys passkeys, ChangePassword changePassword, IStringLocalizer<SecurityModel> text) : PageModel
{
    public const int RecoveryCodeCount = ManageTwoFactor.RecoveryCodeCount;

    public bool TwoFactorOn { get; private set; }
    public bool Required => RequiredForStaff || AccountsRequiringIt.Count > 0;
    public bool RequiredForStaff { get; private set; }
    /// Accounts this person belongs to whose staff Admin asked for two-factor sign-in.
    public IReadOnlyList<string> AccountsRequiringIt { get; private set; } = [];
    /// This session was signed in with a passkey, which meets the two-factor rules without an authenticator app.
    public bool PasskeySession { get; private set; }
    public int RecoveryCodesLeft { get; private set; }
    public string? Notice { get; private set; }

    /// Set while a new authenticator key waits to be confirmed with a code.
    public string? Key { get; private set; }
    public string? SetupUri { get; private set; }
    public string? QrCode { get; private set; }

    public IReadOnlyList<PasskeyRow> Passkeys { get; private set; } = [];
    public bool HasPassword { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool setup, string? done)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        Notice = done switch
        {
            "off" => text["Two-factor sign-in is off. Signing in now takes only your password."].Value,
            "passkey-added" => text["Your passkey is ready. You can now sign in with it instead of your password."].Value,
            "passkey-renamed" => text["The passkey was renamed."].Value,
            "passkey-removed" => text["The passkey was removed. It no longer signs you in."].Value,
            "password" => text["Your password was changed, and you were signed out everywhere else."].Value,
            _ => null,
        };
        await LoadAsync(user, setup);
        return Page();
    }

    /// Shows a refusal the way this page always has: the message above the forms, with 200.
    private Task<IActionResult> ShowAsync(Outcome outcome, PorticoUser user, bool setup, Func<IActionResult> onDone) =>
        outcome.ToPageResultAsync(this, onDone, async () =>
        {
            await LoadAsync(user, setup);
            return true;
        }, refusedStatus: StatusCodes.Status200OK);

    private async Task LoadAsync(PorticoUser user, bool setup)
    {
        TwoFactorOn = user.TwoFactorEnabled;
        HasPassword = await users.HasPasswordAsync(user);
        Passkeys = await passkeys.ListAsync(user);
        var requirement = await twoFactor.RequirementAsync(user, HttpContext.RequestAborted);
        RequiredForStaff = requirement.ForStaff;
        AccountsRequiringIt = requirement.Accounts;
        PasskeySession = SignInStrength.SignedInWithPasskey(User);
        RecoveryCodesLeft = TwoFactorOn ? await users.CountRecoveryCodesAsync(user) : 0;
        if (!TwoFactorOn && setup && await users.GetAuthenticatorKeyAsync(user) is { Length: > 0 } key)
        {
            Key = AuthenticatorCodes.Grouped(key);
            SetupUri = AuthenticatorCodes.SetupUri(branding.Value.PortalName, user.Email!, key);
            using var generator = new QRCodeGenerator();
            using var data = generator.CreateQrCode(SetupUri, QRCodeGenerator.ECCLevel.M);
            // A data: image because the content security policy allows those and no inline markup styles.
            QrCode = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
        }
    }
}
