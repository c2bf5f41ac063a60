namespace Portico.Features.Identity;

public enum SecondFactor
{
    AuthenticatorCode,
    RecoveryCode,
}

/// The second sign-in step for people with two-factor sign-in on. Only reachable after the right
/// password in this browser (Identity keeps who that was in a short-lived cookie). Wrong codes
/// count towards the same lockout as wrong passwords; every attempt is audited.
public sealed class SignInWithSecondFactor(
    PorticoDb db, UserManager<PorticoUser> users, SignInManager<PorticoUser> signIn, AuditLog audit, EmailOutbox email, IdentityEmails text)
{
    public Task<PorticoUser?> PendingUserAsync() => signIn.GetTwoFactorAuthenticationUserAsync();

    public async Task<SignInOutcome> RunAsync(PorticoUser user, SecondFactor factor, string code, bool remember, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var wasLocked = await users.IsLockedOutAsync(user);
        var result = factor == SecondFactor.AuthenticatorCode
            ? await signIn.TwoFactorAuthenticatorSignInAsync(NormaliseCode(code), remember, rememberClient: false)
            : await RecoveryCodeSignInAsync(user, NormaliseRecoveryCode(code), wasLocked);
        var method = factor == SecondFactor.AuthenticatorCode ? "authenticator" : "recovery_code";
        SignInOutcome outcome;
        if (result.Succeeded)
        {
            var details = factor == SecondFactor.RecoveryCode
                ? new { method, recovery_codes_left = await users.CountRecoveryCodesAsync(user) }
                : (object)new { method };
            audit.Record(AuditActions.TwoFactorSucceeded, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email, details: details);
            audit.Record(AuditActions.LoginSucceeded, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email,
                details: new { second_factor = method });
            outcome = SignInOutcome.SignedIn;
        }
        else if (result.IsLockedOut && !wasLocked)
        {
            audit.Record(AuditActions.TwoFactorFailed, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email,
                details: new { method, reason = "wrong_code" });
            SignInWithPassword.RecordLockout(audit, email, text, user);
            outcome = SignInOutcome.LockedOut;
        }
        else
        {
            audit.Record(AuditActions.TwoFactorFailed, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email,
                details: new { method, reason = result.IsLockedOut ? "locked_out" : "wrong_code" });
            outcome = result.IsLockedOut ? SignInOutcome.LockedOut : SignInOutcome.Failed;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }

    /// Identity's recovery-code sign-in neither refuses a locked-out person nor counts a wrong
    /// code, so both are done here to give recovery codes the same protection as the other code.
    private async Task<SignInResult> RecoveryCodeSignInAsync(PorticoUser user, string code, bool wasLocked)
    {
        if (wasLocked)
        {
            return SignInResult.LockedOut;
        }
        var result = await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (result.Succeeded)
        {
            return result;
        }
        await users.AccessFailedAsync(user);
        return await users.IsLockedOutAsync(user) ? SignInResult.LockedOut : result;
    }

    /// People type codes with spaces, as apps show them ("123 456").
    public static string NormaliseCode(string code) => new(code.Where(char.IsAsciiDigit).ToArray());

    /// Recovery codes are made of upper-case letters and digits in two groups joined by a hyphen.
    public static string NormaliseRecoveryCode(string code) => code.Replace(" ", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
}
