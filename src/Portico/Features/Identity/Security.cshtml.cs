using Portico.Infrastructure.Tenancy;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Features.Audit;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Email;
using Portico.Infrastructure.Web;
using QRCoder;

namespace Portico.Features.Identity;

/// Each signed-in person manages their own two-factor sign-in: set up an authenticator app,
/// make new recovery codes, or turn it off. Changing anything once it is on takes a current code,
/// so a session left open on a shared computer cannot quietly weaken the account.
public sealed class SecurityModel(
    UserManager<PorticoUser> users, SignInManager<PorticoUser> signIn, PorticoDb db, AuditLog audit, EmailOutbox email,
    IOptions<BrandingOptions> branding, IOptions<SecurityOptions> security, TimeProvider clock,
    ManagePasskeys passkeys, ChangePassword changePassword) : PageModel
{
    public const int RecoveryCodeCount = 10;

    [BindProperty]
    public string? Code { get; set; }

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

    /// Shown once, right after they are made; the page never shows them again.
    public IReadOnlyList<string> NewRecoveryCodes { get; private set; } = [];

    public IReadOnlyList<PasskeyRow> Passkeys { get; private set; } = [];
    public bool HasPassword { get; private set; }

    /// What was typed into the passkey name field, shown again when adding failed.
    public string? PasskeyName { get; private set; }
    public string? PasskeyError { get; private set; }

    /// Bound only by the password handler (prefix "Password"), so other forms on the page are not validated against it.
    public PasswordForm Password { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(bool setup, string? done)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        Notice = done switch
        {
            "off" => "Two-factor sign-in is off. Signing in now takes only your password.",
            "passkey-added" => "Your passkey is ready. You can now sign in with it instead of your password.",
            "passkey-renamed" => "The passkey was renamed.",
            "passkey-removed" => "The passkey was removed. It no longer signs you in.",
            "password" => "Your password was changed, and you were signed out everywhere else.",
            _ => null,
        };
        await LoadAsync(user, setup);
        return Page();
    }

    public async Task<IActionResult> OnPostSetupAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        if (user.TwoFactorEnabled)
        {
            return Redirect("/account/security");
        }
        // A fresh key each time: a key shown earlier may have been seen by someone else.
        await users.ResetAuthenticatorKeyAsync(user);
        // The reset changes the security stamp; renew this session's cookie so it stays valid.
        await signIn.RefreshSignInAsync(user);
        return Redirect("/account/security?setup=true");
    }

    public async Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        if (user.TwoFactorEnabled)
        {
            return Redirect("/account/security");
        }
        // Mistakes while setting up are common and prove nothing about an intruder, so they do not lock anyone out.
        if (!await CheckCodeAsync(user, "enable", countTowardsLockout: false, cancellationToken))
        {
            await LoadAsync(user, setup: true);
            return Page();
        }
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await users.SetTwoFactorEnabledAsync(user, true);
            NewRecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
            audit.Record(AuditActions.TwoFactorEnabled, targetType: "User", targetId: user.Id.ToString());
            audit.Record(AuditActions.RecoveryCodesGenerated, targetType: "User", targetId: user.Id.ToString(), details: new { count = NewRecoveryCodes.Count });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await signIn.RefreshSignInAsync(user);
        Notice = "Two-factor sign-in is on. From now on, signing in takes your password and a code from your app.";
        await LoadAsync(user, setup: false);
        return Page();
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        if (!user.TwoFactorEnabled)
        {
            return Redirect("/account/security");
        }
        if (!await CheckCodeAsync(user, "recovery_codes", countTowardsLockout: true, cancellationToken))
        {
            await LoadAsync(user, setup: false);
            return Page();
        }
        NewRecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        audit.Record(AuditActions.RecoveryCodesGenerated, targetType: "User", targetId: user.Id.ToString(), details: new { count = NewRecoveryCodes.Count });
        await db.SaveChangesAsync(cancellationToken);
        Notice = "New recovery codes are ready. The old ones no longer work.";
        await LoadAsync(user, setup: false);
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        if (!user.TwoFactorEnabled)
        {
            return Redirect("/account/security");
        }
        await LoadAsync(user, setup: false);
        if (Required)
        {
            ModelState.AddModelError(string.Empty, RequiredForStaff
                ? "Staff must use two-factor sign-in on this portal, so it cannot be turned off."
                : $"{string.Join(", ", AccountsRequiringIt)} require{(AccountsRequiringIt.Count == 1 ? "s" : "")} two-factor sign-in, so it cannot be turned off.");
            return Page();
        }
        if (!await CheckCodeAsync(user, "disable", countTowardsLockout: true, cancellationToken))
        {
            await LoadAsync(user, setup: false);
            return Page();
        }
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await users.SetTwoFactorEnabledAsync(user, false);
            audit.Record(AuditActions.TwoFactorDisabled, targetType: "User", targetId: user.Id.ToString());
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await signIn.RefreshSignInAsync(user);
        return Redirect("/account/security?done=off");
    }

    /// The JSON the page's script hands to navigator.credentials.create.
    public async Task<IActionResult> OnPostPasskeyOptionsAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        return Content(await passkeys.CreationOptionsAsync(user), "application/json");
    }

    public async Task<IActionResult> OnPostAddPasskeyAsync(string? name, string? credentialJson, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        var change = await passkeys.AddAsync(user, name, credentialJson, cancellationToken);
        if (change.Outcome == PasskeyChangeOutcome.Done)
        {
            return Redirect("/account/security?done=passkey-added");
        }
        PasskeyName = name;
        PasskeyError = change.Error;
        await LoadAsync(user, setup: false);
        return Page();
    }

    public async Task<IActionResult> OnPostRenamePasskeyAsync(string? id, string? name, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        return await AfterPasskeyChangeAsync(user, await passkeys.RenameAsync(user, id, name, cancellationToken), "passkey-renamed");
    }

    public async Task<IActionResult> OnPostRemovePasskeyAsync(string? id, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        var change = await passkeys.RemoveAsync(user, id, cancellationToken);
        if (change.Outcome == PasskeyChangeOutcome.Done)
        {
            // Removing a passkey may rotate the security stamp; keep this browser signed in.
            await signIn.RefreshSignInAsync(user);
        }
        return await AfterPasskeyChangeAsync(user, change, "passkey-removed");
    }

    private async Task<IActionResult> AfterPasskeyChangeAsync(PorticoUser user, PasskeyChange change, string done)
    {
        switch (change.Outcome)
        {
            case PasskeyChangeOutcome.Done:
                return Redirect("/account/security?done=" + done);
            case PasskeyChangeOutcome.NotFound:
                return NotFound();
            default:
                ModelState.AddModelError(string.Empty, change.Error!);
                await LoadAsync(user, setup: false);
                return Page();
        }
    }

    public async Task<IActionResult> OnPostPasswordAsync([Bind(Prefix = "Password")] PasswordForm form, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        // Passwords are never shown again on the page.
        Password = new PasswordForm();
        if (ModelState.IsValid)
        {
            var errors = await changePassword.RunAsync(user, form.CurrentPassword, form.NewPassword, cancellationToken);
            if (errors.Count == 0)
            {
                return Redirect("/account/security?done=password");
            }
            foreach (var error in errors)
            {
                ModelState.AddModelError(error.Field, error.Message);
            }
        }
        await LoadAsync(user, setup: false);
        return Page();
    }

    /// A wrong code is audited; where the code guards a change to an account that already has
    /// two-factor on, it also counts towards lockout, which bounds guessing from a hijacked session.
    private async Task<bool> CheckCodeAsync(PorticoUser user, string purpose, bool countTowardsLockout, CancellationToken cancellationToken)
    {
        if (countTowardsLockout && await users.IsLockedOutAsync(user))
        {
            audit.Record(AuditActions.TwoFactorFailed, targetType: "User", targetId: user.Id.ToString(), details: new { purpose, reason = "locked_out" });
            await db.SaveChangesAsync(cancellationToken);
            ModelState.AddModelError(string.Empty, "Too many wrong codes. Try again later.");
            return false;
        }
        var code = SignInWithSecondFactor.NormaliseCode(Code ?? "");
        if (await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            if (countTowardsLockout)
            {
                await users.ResetAccessFailedCountAsync(user);
            }
            return true;
        }
        audit.Record(AuditActions.TwoFactorFailed, targetType: "User", targetId: user.Id.ToString(), details: new { purpose, reason = "wrong_code" });
        if (countTowardsLockout)
        {
            await users.AccessFailedAsync(user);
            if (await users.IsLockedOutAsync(user))
            {
                SignInWithPassword.RecordLockout(audit, email, user);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        ModelState.AddModelError(string.Empty, "That code is not right. Enter the code your app shows now; each code works once.");
        return false;
    }

    private async Task LoadAsync(PorticoUser user, bool setup)
    {
        TwoFactorOn = user.TwoFactorEnabled;
        HasPassword = await users.HasPasswordAsync(user);
        Passkeys = await passkeys.ListAsync(user);
        RequiredForStaff = security.Value.RequiresMfa(user);
        PasskeySession = SignInStrength.SignedInWithPasskey(User);
        var now = clock.GetUtcNow().UtcDateTime;
        AccountsRequiringIt = await db.Memberships.AcrossAccounts().AsNoTracking()
            .Where(m => m.UserId == user.Id && m.Account.RequireMfa && (m.ExpiresAt == null || m.ExpiresAt > now))
            .OrderBy(m => m.Account.Name).Select(m => m.Account.Name).ToListAsync(HttpContext.RequestAborted);
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

public sealed class PasswordForm
{
    /// Not required here: people without a password (link or passkey sign-in) set a first one without it.
    [StringLength(256)]
    [DataType(DataType.Password)]
    [Display(Name = "Current password")]
    public string? CurrentPassword { get; set; }

    [Required(ErrorMessage = "Enter a new password.")]
    [StringLength(256, ErrorMessage = "Passwords are at most 256 characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "New password")]
    public string NewPassword { get; set; } = "";

    [Required(ErrorMessage = "Type the new password again.")]
    [Compare(nameof(NewPassword), ErrorMessage = "The two new passwords are not the same.")]
    [DataType(DataType.Password)]
    [Display(Name = "New password again")]
    public string ConfirmPassword { get; set; } = "";
}
