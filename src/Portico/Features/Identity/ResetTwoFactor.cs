namespace Portico.Features.Identity;

/// A staff Admin's way back in for someone who lost their authenticator: two-factor sign-in off,
/// key and recovery codes gone, every session ended. The reason is kept in the audit log and the
/// person is told by email, so a reset they did not ask for does not go unnoticed.
public sealed class ResetTwoFactor(PorticoDb db, UserManager<PorticoUser> users, DatabaseTicketStore sessions, AuditLog audit, EmailOutbox email, IdentityEmails text)
{
    public const int MaxReasonLength = 500;

    public async Task<Outcome> RunAsync(Guid userId, Guid? accountId, string? reason, CancellationToken ct)
    {
        var why = reason?.Trim() ?? "";
        if (why.Length is 0 or > MaxReasonLength)
        {
            return Outcome.Refused($"Give the reason for the reset (at most {MaxReasonLength} characters); it goes into the audit log.");
        }
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return Outcome.NotFound;
        }
        if (!user.TwoFactorEnabled && await users.GetAuthenticatorKeyAsync(user) is null)
        {
            return Outcome.Refused("That person has no two-factor sign-in to reset.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey");
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "RecoveryCodes");
        // A new stamp makes every cookie issued before the reset fail its next check.
        await users.UpdateSecurityStampAsync(user);
        var ended = await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null).ToListAsync(ct);
        sessions.End(ended);
        audit.Record(AuditActions.TwoFactorReset, accountId, "User", user.Id.ToString(), new { reason = why, sessions_ended = ended.Count });
        // In the person's language, not the Admin's.
        email.Queue(user.Email!, user.Language, () => (text["Your two-factor sign-in was reset"], [
            text["Hello {0},", user.DisplayName],
            text["An administrator turned off two-factor sign-in for your account and signed you out everywhere. Reason given: {0}", why],
            text["Sign in with your password and set up your authenticator app again under Security. If you did not ask for this, tell your administrator at once."]]));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        sessions.Forget(ended);
        return Outcome.Done;
    }
}
