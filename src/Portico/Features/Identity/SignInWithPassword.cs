using Portico.Features.SingleSignOn;

namespace Portico.Features.Identity;

public sealed class LoginLimits
{
    public const string Section = "LoginLimits";
    public const string Policy = "login";

    /// Login attempts one IP address may make per minute, on top of per-user lockout.
    [Range(1, 100_000)]
    public int PerMinutePerAddress { get; set; } = 20;
}

public enum SignInOutcome
{
    SignedIn,
    Failed,
    LockedOut,
    /// The password was right; the person still has to give a code from their authenticator app.
    RequiresTwoFactor,
    /// The address is in a domain whose identity provider requires single sign-on; nothing else was checked.
    SingleSignOnRequired,
}

/// Password sign-in. Unknown emails and wrong passwords get the same answer and similar
/// timing; every attempt is audited; a lockout also emails the person, in the same transaction.
public sealed class SignInWithPassword(
    PorticoDb db, UserManager<PorticoUser> users, SignInManager<PorticoUser> signIn, AuditLog audit, EmailOutbox email, SingleSignOnDirectory directory,
    IdentityEmails text)
{
    private static readonly PorticoUser TimingUser = new();
    private static readonly string TimingHash = new PasswordHasher<PorticoUser>().HashPassword(TimingUser, "timing-equaliser");

    public async Task<SignInOutcome> RunAsync(string emailAddress, string password, bool remember, CancellationToken cancellationToken)
    {
        // Decided by the domain alone, before the password is looked at, so it neither reveals the person nor counts towards a lockout.
        if (await directory.RequiredForAsync(emailAddress, cancellationToken) is { } provider)
        {
            RecordSingleSignOnRequired(audit, provider, "password", Fingerprint(emailAddress));
            await db.SaveChangesAsync(cancellationToken);
            return SignInOutcome.SingleSignOnRequired;
        }
        var user = await users.FindByEmailAsync(emailAddress);
        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(TimingUser, TimingHash, password);
            audit.Record(AuditActions.LoginFailed, details: new { reason = "unknown_email", email = Fingerprint(emailAddress) }, actorName: null);
            await db.SaveChangesAsync(cancellationToken);
            Infrastructure.Telemetry.PorticoMetrics.SignInFailures.Add(1);
            return SignInOutcome.Failed;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var wasLocked = await users.IsLockedOutAsync(user);
        var result = await signIn.PasswordSignInAsync(user, password, remember, lockoutOnFailure: true);
        SignInOutcome outcome;
        if (result.Succeeded)
        {
            audit.Record(AuditActions.LoginSucceeded, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email);
            outcome = SignInOutcome.SignedIn;
        }
        else if (result.RequiresTwoFactor)
        {
            // Not signed in yet, so nothing is audited as a sign-in; the code step records the outcome.
            outcome = SignInOutcome.RequiresTwoFactor;
        }
        else if (result.IsLockedOut)
        {
            if (!wasLocked)
            {
                RecordLockout(audit, email, text, user);
            }
            else
            {
                audit.Record(AuditActions.LoginFailed, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email,
                    details: new { reason = "locked_out" });
            }
            outcome = SignInOutcome.LockedOut;
        }
        else
        {
            audit.Record(AuditActions.LoginFailed, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email,
                details: new { reason = result.IsNotAllowed ? "not_allowed" : "wrong_password" });
            outcome = SignInOutcome.Failed;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (outcome is SignInOutcome.Failed or SignInOutcome.LockedOut)
        {
            Infrastructure.Telemetry.PorticoMetrics.SignInFailures.Add(1);
        }
        return outcome;
    }

    /// A lockout is audited once and the person is told, whichever check (password or code) caused it.
    internal static void RecordLockout(AuditLog audit, EmailOutbox email, IdentityEmails text, PorticoUser user)
    {
        audit.Record(AuditActions.LockedOut, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email,
            details: new { until = user.LockoutEnd });
        email.Queue(user.Email!, user.Language, () => (text["Your sign-in was locked"], [
            text["Hello {0},", user.DisplayName],
            text["After several failed attempts, signing in to your account is locked for a while. If this was not you, tell your administrator."]]));
    }

    internal static void RecordSingleSignOnRequired(AuditLog audit, ProviderForEmail provider, string method, string who) =>
        audit.Record(AuditActions.SingleSignOnRequiredRefusal, targetType: "SingleSignOnProvider", targetId: provider.Id.ToString(),
            details: new { method, email = who }, actorName: null);

    /// Lets staff correlate attempts on one unknown address without storing what was typed.
    internal static string Fingerprint(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value.Trim().ToUpperInvariant())))[..16];
}
