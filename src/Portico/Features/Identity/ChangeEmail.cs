using Microsoft.AspNetCore.WebUtilities;

namespace Portico.Features.Identity;

public sealed record EmailChangeError(string Field, string Message);

public enum EmailConfirmOutcome
{
    Changed,
    /// Used, expired, tampered with, or spent by a later password or email change.
    Invalid,
    /// Someone else is signed in in this browser.
    OtherPerson,
    /// Another person took the address after the link was sent.
    Taken,
}

public sealed class ChangeEmailForm
{
    public const string Prefix = "EmailChange";
    public const string NewEmailField = Prefix + "." + nameof(NewEmail);
    public const string CurrentPasswordField = Prefix + "." + nameof(CurrentPassword);

    // 256 is the length Identity's schema gives Email and UserName.
    [Required(ErrorMessage = "Enter the new email address.")]
    [StringLength(256, ErrorMessage = "Email addresses are at most 256 characters.")]
    [Display(Name = "New email address")]
    public string? NewEmail { get; set; }

    /// Not required here: people without a password confirm with a recent sign-in instead.
    [StringLength(256)]
    [DataType(DataType.Password)]
    [Display(Name = "Current password")]
    public string? CurrentPassword { get; set; }
}

/// A person changes their own sign-in address. The link goes to the new address, so only someone who
/// reads that mailbox can finish; the old address is told at both steps, so a hijacked session cannot
/// move the account away quietly. The user name is the email in this app and moves with it.
public sealed class ChangeEmail(
    PorticoDb db, UserManager<PorticoUser> users, SignInManager<PorticoUser> signIn, AuditLog audit, EmailOutbox email,
    DatabaseTicketStore sessions, IHttpContextAccessor http, IOptions<BrandingOptions> branding, Branding.Brands brands,
    IOptions<DataProtectionTokenProviderOptions> tokens, TimeProvider clock, IdentityEmails text)
{
    public const string ConfirmPath = "/account/email/confirm";

    /// Without a password to ask for, a sign-in this recent stands in for it.
    public static readonly TimeSpan FreshSignIn = TimeSpan.FromMinutes(10);

    public TimeSpan LinkLifetime => tokens.Value.TokenLifespan;

    /// No errors means the answer is "we sent a link", whether or not the address was free.
    public async Task<IReadOnlyList<EmailChangeError>> RequestAsync(PorticoUser user, string? newEmail, string? currentPassword, CancellationToken ct)
    {
        var address = newEmail?.Trim() ?? "";
        if (!IsWellFormed(address))
        {
            return [new(ChangeEmailForm.NewEmailField, "Enter a valid email address, such as name@example.com.")];
        }
        if (string.Equals(users.NormalizeEmail(address), user.NormalizedEmail ?? users.NormalizeEmail(user.Email), StringComparison.Ordinal))
        {
            return [new(ChangeEmailForm.NewEmailField, "That is already your email address.")];
        }

        var hasPassword = await users.HasPasswordAsync(user);
        if (hasPassword)
        {
            if (string.IsNullOrEmpty(currentPassword))
            {
                return [new(ChangeEmailForm.CurrentPasswordField, "Enter your current password.")];
            }
            if (await users.IsLockedOutAsync(user))
            {
                await RefuseAsync(user, "locked_out", address, ct);
                return [new(ChangeEmailForm.CurrentPasswordField, "Too many wrong passwords. Try again later.")];
            }
        }
        else if (!await SignedInRecentlyAsync(ct))
        {
            await RefuseAsync(user, "sign_in_too_old", address, ct);
            return [new(string.Empty,
                $"To change your email, sign out, sign in again with an email link or a passkey, and change it within {FreshSignIn.TotalMinutes:0} minutes.")];
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (hasPassword)
        {
            if (!await users.CheckPasswordAsync(user, currentPassword!))
            {
                // Counts towards lockout like a wrong password anywhere else, which bounds guessing from a session left open.
                await users.AccessFailedAsync(user);
                audit.Record(AuditActions.EmailChangeRefused, targetType: "User", targetId: user.Id.ToString(),
                    details: new { reason = "wrong_password", to = address });
                if (await users.IsLockedOutAsync(user))
                {
                    SignInWithPassword.RecordLockout(audit, email, text, user);
                }
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return [new(ChangeEmailForm.CurrentPasswordField, "That is not your current password.")];
            }
            await users.ResetAccessFailedCountAsync(user);
        }

        var owner = await OtherOwnerAsync(user, address);
        if (owner is null)
        {
            var token = await users.GenerateChangeEmailTokenAsync(user, address);
            var portal = (await brands.GetAsync(ct)).PortalName;
            email.Queue(address, user.Language, () => (text["Confirm your new email address for {0}", portal], [
                text["Hello {0},", user.DisplayName],
                text["You asked to sign in to {0} with this address from now on. To confirm, open this link within {1}, in a browser where you are signed in:", portal, Describe(LinkLifetime)],
                branding.Value.Link(ConfirmLink(user.Id, address, token)),
                text["It works once. If you did not ask for this, ignore this email; nothing changes."]]));
            audit.Record(AuditActions.EmailChangeRequested, targetType: "User", targetId: user.Id.ToString(),
                details: new { from = user.Email, to = address });
        }
        else
        {
            // Nobody learns here which addresses have accounts: the answer and the notice below are the same.
            audit.Record(AuditActions.EmailChangeRefused, targetType: "User", targetId: user.Id.ToString(),
                details: new { reason = "address_in_use", to = address });
        }
        var portalName = (await brands.GetAsync(ct)).PortalName;
        email.Queue(user.Email!, user.Language, () => (text["A change of your email address was asked for"], [
            text["Hello {0},", user.DisplayName],
            text["Someone signed in to your account on {0} asked to change its email address to {1}. Nothing changes until the link sent to that address is opened.", portalName, address]
                + "\n" + text["If this was not you, change your password and tell your administrator at once."]]));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return [];
    }

    public async Task<EmailConfirmOutcome> ConfirmAsync(PorticoUser user, string? linkUserId, string? linkEmail, string? code, CancellationToken ct)
    {
        if (!Guid.TryParse(linkUserId, out var forUser) || string.IsNullOrEmpty(linkEmail) || DecodeToken(code) is not { } token)
        {
            await RefuseAsync(user, "invalid_link", linkEmail, ct);
            return EmailConfirmOutcome.Invalid;
        }
        if (forUser != user.Id)
        {
            await RefuseAsync(user, "other_person", linkEmail, ct, linkFor: forUser);
            return EmailConfirmOutcome.OtherPerson;
        }
        // The token is bound to the new address and the security stamp: any later password or email change spends it.
        if (!await users.VerifyUserTokenAsync(user, users.Options.Tokens.ChangeEmailTokenProvider, UserManager<PorticoUser>.GetChangeEmailTokenPurpose(linkEmail), token))
        {
            await RefuseAsync(user, "invalid_link", linkEmail, ct);
            return EmailConfirmOutcome.Invalid;
        }
        if (await OtherOwnerAsync(user, linkEmail) is not null)
        {
            await RefuseAsync(user, "address_taken", linkEmail, ct);
            return EmailConfirmOutcome.Taken;
        }

        var before = user.Email!;
        var current = http.HttpContext?.User.FindFirst(DatabaseTicketStore.SessionIdClaim)?.Value;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            IdentityResult result;
            try
            {
                // Sets the email and its normalized form, marks it confirmed and rotates the security stamp.
                result = await users.ChangeEmailAsync(user, linkEmail, token);
                if (result.Succeeded)
                {
                    result = await users.SetUserNameAsync(user, linkEmail);
                }
            }
            catch (DbUpdateException)
            {
                // The unique user-name index caught someone taking the address at the same moment.
                result = IdentityResult.Failed(users.ErrorDescriber.DuplicateUserName(linkEmail));
            }
            if (!result.Succeeded)
            {
                await transaction.RollbackAsync(ct);
                // What Identity set on the tracked person was not saved; forget it before the refusal is recorded.
                db.ChangeTracker.Clear();
                var taken = result.AddressTaken();
                await RefuseAsync(user, taken ? "address_taken" : "invalid_link", linkEmail, ct);
                return taken ? EmailConfirmOutcome.Taken : EmailConfirmOutcome.Invalid;
            }

            var others = await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null && s.Id != current).ToListAsync(ct);
            sessions.End(others);
            audit.Record(AuditActions.EmailChanged, targetType: "User", targetId: user.Id.ToString(),
                details: new { from = before, to = linkEmail, other_sessions_ended = others.Count });
            var portal = (await brands.GetAsync(ct)).PortalName;
            email.Queue(before, user.Language, () => (text["Your email address was changed"], [
                text["Hello {0},", user.DisplayName],
                text["The email address of your account on {0} was changed to {1}. You sign in with the new address from now on and were signed out everywhere else.", portal, linkEmail]
                    + "\n" + text["If this was not you, tell your administrator at once."]]));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            sessions.Forget(others);
        }
        // The new security stamp would sign this browser out too; a fresh ticket keeps it signed in, under the new name.
        await signIn.RefreshSignInAsync(user);
        return EmailConfirmOutcome.Changed;
    }

    /// What the sign-in and the outbox can both use: a bare address that parses as itself.
    public static bool IsWellFormed(string address) =>
        address.Length is > 0 and <= 256
        && new EmailAddressAttribute().IsValid(address)
        && !address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
        && MimeKit.MailboxAddress.TryParse(address, out var parsed)
        && string.Equals(parsed.Address, address, StringComparison.Ordinal);

    private static string ConfirmLink(Guid userId, string address, string token) =>
        $"{ConfirmPath}?user={userId}&email={Uri.EscapeDataString(address)}&code={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token))}";

    private static string? DecodeToken(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }
        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// Email and user name are both unique sign-in keys; either one in use by someone else blocks the address.
    private async Task<PorticoUser?> OtherOwnerAsync(PorticoUser user, string address)
    {
        var owner = await users.FindByEmailAsync(address) ?? await users.FindByNameAsync(address);
        return owner is not null && owner.Id != user.Id ? owner : null;
    }

    /// The server-side session knows when this browser signed in; sliding renewals do not move it.
    private async Task<bool> SignedInRecentlyAsync(CancellationToken ct)
    {
        var current = http.HttpContext?.User.FindFirst(DatabaseTicketStore.SessionIdClaim)?.Value;
        if (current is null)
        {
            return false;
        }
        var signedInAt = await db.UserSessions.Where(s => s.Id == current).Select(s => (DateTime?)s.CreatedAt).SingleOrDefaultAsync(ct);
        return signedInAt is { } at && clock.GetUtcNow().UtcDateTime - at < FreshSignIn;
    }

    private async Task RefuseAsync(PorticoUser user, string reason, string? address, CancellationToken ct, Guid? linkFor = null)
    {
        audit.Record(AuditActions.EmailChangeRefused, targetType: "User", targetId: user.Id.ToString(),
            details: new { reason, to = address is { Length: <= 256 } ? address : null, link_for = linkFor });
        await db.SaveChangesAsync(ct);
    }

    public static string Describe(TimeSpan span) => HumanText.Lifetime(span);
}
