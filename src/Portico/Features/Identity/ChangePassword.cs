namespace Portico.Features.Identity;

public sealed record PasswordError(string Field, string Message);

/// Changes a person's password, or sets a first one for someone who signs in by link or passkey.
/// Whoever knew the old password may hold other sessions, so every other session ends at once; this
/// browser stays signed in.
public sealed class ChangePassword(
    PorticoDb db, UserManager<PorticoUser> users, SignInManager<PorticoUser> signIn, AuditLog audit, EmailOutbox email,
    DatabaseTicketStore sessions, IHttpContextAccessor http, IdentityEmails emails, IStringLocalizer<ChangePassword> text)
{
    public const string CurrentField = "Password.CurrentPassword";
    public const string NewField = "Password.NewPassword";

    /// No errors means the password was changed.
    public async Task<IReadOnlyList<PasswordError>> RunAsync(PorticoUser user, string? currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        var hadPassword = await users.HasPasswordAsync(user);
        if (hadPassword && string.IsNullOrEmpty(currentPassword))
        {
            return [new(CurrentField, text["Enter your current password."])];
        }
        if (hadPassword && await users.IsLockedOutAsync(user))
        {
            audit.Record(AuditActions.PasswordChangeFailed, targetType: "User", targetId: user.Id.ToString(), details: new { reason = "locked_out" });
            await db.SaveChangesAsync(cancellationToken);
            return [new(CurrentField, text["Too many wrong passwords. Try again later."])];
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Both check the new password against Identity's rules and rotate the security stamp on success.
        var result = hadPassword
            ? await users.ChangePasswordAsync(user, currentPassword!, newPassword)
            : await users.AddPasswordAsync(user, newPassword);
        if (!result.Succeeded)
        {
            var wrongCurrent = result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch));
            audit.Record(AuditActions.PasswordChangeFailed, targetType: "User", targetId: user.Id.ToString(),
                details: new { reason = wrongCurrent ? "wrong_current_password" : "weak_new_password" });
            if (wrongCurrent)
            {
                // Counts towards lockout, which bounds guessing from a session left open.
                await users.AccessFailedAsync(user);
                if (await users.IsLockedOutAsync(user))
                {
                    SignInWithPassword.RecordLockout(audit, email, emails, user);
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return wrongCurrent
                ? [new(CurrentField, text["That is not your current password."])]
                : result.Errors.Select(e => new PasswordError(NewField, e.Description)).ToList();
        }

        var current = http.HttpContext?.User.FindFirst(DatabaseTicketStore.SessionIdClaim)?.Value;
        var others = await db.UserSessions.Where(s => s.UserId == user.Id && s.Id != current).Select(s => s.Id).ToListAsync(cancellationToken);
        await db.UserSessions.Where(s => s.UserId == user.Id && s.Id != current).ExecuteDeleteAsync(cancellationToken);
        audit.Record(AuditActions.PasswordChanged, targetType: "User", targetId: user.Id.ToString(),
            details: new { first_password = !hadPassword, other_sessions_ended = others.Count });
        email.Queue(user.Email!, user.Language, () => (hadPassword ? emails["Your password was changed"] : emails["A password was set for your account"], [
            emails["Hello {0},", user.DisplayName],
            (hadPassword ? emails["The password for your account was changed. You were signed out everywhere else."]
                : emails["The password for your account was set. You were signed out everywhere else."])
                + "\n" + emails["If this was not you, reset your password and tell your administrator at once."]]));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        foreach (var id in others)
        {
            sessions.Forget(id);
        }
        // The new security stamp would sign this browser out too; a fresh ticket keeps it signed in.
        await signIn.RefreshSignInAsync(user);
        return [];
    }
}
