using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Portico.Features.Identity;

/// Identity's data-protection tokens with a lifetime of their own: a reset link opens the account to whoever
/// holds the email, so it lives an hour rather than the day the email-change link has.
public sealed class PasswordResetTokens(
    IDataProtectionProvider protection, IOptions<PasswordResetTokenOptions> options, ILogger<DataProtectorTokenProvider<PorticoUser>> logger)
    : DataProtectorTokenProvider<PorticoUser>(protection, options, logger)
{
    public const string ProviderName = "PasswordReset";
}

public sealed class PasswordResetTokenOptions : DataProtectionTokenProviderOptions
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public PasswordResetTokenOptions()
    {
        // Its own purpose, so no other kind of token passes for a reset token.
        Name = "PasswordResetTokenProvider";
        TokenLifespan = Lifetime;
    }
}

public enum PasswordResetOutcome
{
    Done,
    /// Done, and the person has an authenticator app: they sign in with it rather than being signed in here.
    DoneSignInWithTwoFactor,
    /// Used, expired, tampered with, or spent by a later password change.
    InvalidLink,
    /// The new password does not meet the rules; the link still works.
    WeakPassword,
}

/// "Forgot password?": a link to the address on record, which sets a new password once. Identity's reset token
/// is bound to the security stamp, which the reset rotates, so a link works once and an earlier one dies with it.
public sealed class ResetForgottenPassword(
    PorticoDb db, UserManager<PorticoUser> users, PorticoSignInManager signIn, AuditLog audit, EmailOutbox email,
    DatabaseTicketStore sessions, IOptions<BrandingOptions> branding, Branding.Brands brands, IdentityEmails text)
{
    public const string ResetPath = "/account/reset-password";

    /// The same answer whatever the address: unknown, locked out or staff alike.
    public async Task RequestAsync(string address, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(address);
        if (user is null)
        {
            return;
        }
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var portal = (await brands.GetAsync(ct)).PortalName;
        email.Queue(user.Email!, user.Language, () => (text["Reset your password for {0}", portal], [
            text["Hello {0},", user.DisplayName],
            text["Someone asked to reset the password of your account on {0}. Choose a new password with this link within {1}:", portal, ChangeEmail.Describe(PasswordResetTokenOptions.Lifetime)],
            branding.Value.Link(Link(user.Id, token)),
            text["It works once. If you did not ask for it, ignore this email; your password stays as it is."]]));
        // Anyone may ask, so nobody is named as the actor; the person is the target.
        audit.Record(AuditActions.PasswordResetRequested, targetType: "User", targetId: user.Id.ToString(), actorName: null);
        await db.SaveChangesAsync(ct);
    }

    /// Whether the link would still set a password, so a spent one says so before anyone types a new password.
    public async Task<bool> IsValidAsync(string? userId, string? code)
    {
        var (user, token) = await ReadLinkAsync(userId, code);
        return user is not null && token is not null
            && await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<PorticoUser>.ResetPasswordTokenPurpose, token);
    }

    /// On success every session of the person ends and their lockout is lifted; without an authenticator app this
    /// browser is signed in as after an email link, with one they sign in again and give a code.
    public async Task<(PasswordResetOutcome Outcome, IReadOnlyList<string> Errors)> ResetAsync(string? userId, string? code, string newPassword, CancellationToken ct)
    {
        var (user, token) = await ReadLinkAsync(userId, code);
        if (user is null || token is null)
        {
            await RefuseAsync(user, "invalid_link", ct);
            return (PasswordResetOutcome.InvalidLink, []);
        }

        List<UserSession> ended;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // Checks the token, then the password rules; on success sets the hash and rotates the security stamp. Of two
            // uses at once the second fails on the concurrency stamp.
            var result = await users.ResetPasswordAsync(user, token, newPassword);
            if (!result.Succeeded)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var linkSpent = result.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.InvalidToken) or nameof(IdentityErrorDescriber.ConcurrencyFailure));
                await RefuseAsync(user, linkSpent ? "invalid_link" : "weak_password", ct);
                return linkSpent ? (PasswordResetOutcome.InvalidLink, []) : (PasswordResetOutcome.WeakPassword, result.Errors.Select(e => e.Description).ToList());
            }
            // Whoever caused a lockout was guessing the old password, which no longer works.
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            ended = await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null).ToListAsync(ct);
            sessions.End(ended);
            audit.Record(AuditActions.PasswordReset, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email,
                details: new { sessions_ended = ended.Count });
            var portal = (await brands.GetAsync(ct)).PortalName;
            email.Queue(user.Email!, user.Language, () => (text["Your password was changed"], [
                text["Hello {0},", user.DisplayName],
                text["The password of your account on {0} was reset with a link sent to this address. You were signed out everywhere.", portal]
                    + "\n" + text["If this was not you, reset your password again and tell your administrator at once."]]));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        sessions.Forget(ended);

        if (user.TwoFactorEnabled)
        {
            return (PasswordResetOutcome.DoneSignInWithTwoFactor, []);
        }
        var signedIn = await signIn.EmailLinkSignInAsync(user);
        return (signedIn.Succeeded ? PasswordResetOutcome.Done : PasswordResetOutcome.DoneSignInWithTwoFactor, []);
    }

    public static string Link(Guid userId, string token) =>
        $"{ResetPath}?user={userId}&code={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token))}";

    private async Task<(PorticoUser? User, string? Token)> ReadLinkAsync(string? userId, string? code)
    {
        var user = Guid.TryParse(userId, out var id) ? await users.FindByIdAsync(id.ToString()) : null;
        if (string.IsNullOrEmpty(code) || code.Length > 2000)
        {
            return (user, null);
        }
        try
        {
            return (user, Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code)));
        }
        catch (FormatException)
        {
            return (user, null);
        }
    }

    private async Task RefuseAsync(PorticoUser? user, string reason, CancellationToken ct)
    {
        audit.Record(AuditActions.PasswordResetRefused, targetType: user is null ? null : "User", targetId: user?.Id.ToString(),
            details: new { reason }, actorName: null);
        await db.SaveChangesAsync(ct);
    }
}
