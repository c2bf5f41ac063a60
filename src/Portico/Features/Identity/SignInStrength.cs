namespace Portico.Features.Identity;

/// How the current session was signed in, as far as the two-factor rules care. Identity marks a
/// session with an "amr" claim (RFC 8176): "pwd" after a password, "mfa" after a password and a code.
/// A passkey sign-in whose authenticator verified the person is marked "pop" (proof of possession).
public static class SignInStrength
{
    public const string MethodClaim = "amr";
    public const string Passkey = "pop";
    /// RFC 8176's multi-factor value: Identity's after a password and a code, or an identity provider's assertion.
    public const string MultiFactor = "mfa";

    public static Claim PasskeyClaim() => new(MethodClaim, Passkey);

    public static bool SignedInWithPasskey(ClaimsPrincipal principal) => principal.HasClaim(MethodClaim, Passkey);

    /// A person with an authenticator app gives a code at every password sign-in; a session signed in with a
    /// user-verified passkey used a device the person holds, unlocked by their fingerprint, face or PIN.
    /// A password or an email link alone, by someone without an app, is one factor, whatever else they own.
    /// A single sign-on whose provider asserted multi-factor authentication counts as two factors too.
    public static bool MeetsTwoFactorRule(ClaimsPrincipal principal, bool twoFactorEnabled) =>
        twoFactorEnabled || SignedInWithPasskey(principal) || principal.HasClaim(MethodClaim, MultiFactor);

    /// The security stamp check rebuilds the principal from the claims factory, which knows nothing of how
    /// the session was signed in; this carries the sign-in method over, as Identity's RefreshSignInAsync does.
    public static Task KeepSignInMethod(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal is { } current && context.NewPrincipal?.Identities.FirstOrDefault() is { } identity)
        {
            foreach (var claim in current.FindAll(c => c.Type is MethodClaim or ClaimTypes.AuthenticationMethod).ToList())
            {
                if (!identity.HasClaim(claim.Type, claim.Value))
                {
                    identity.AddClaim(new Claim(claim.Type, claim.Value));
                }
            }
        }
        return Task.CompletedTask;
    }
}
