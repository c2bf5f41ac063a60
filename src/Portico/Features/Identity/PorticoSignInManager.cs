using Microsoft.AspNetCore.Authentication;

namespace Portico.Features.Identity;

/// Identity's sign-in manager with two additions that need its protected steps: signing in from an emailed
/// link goes through the same "sign in, or ask for the second factor first" step as a password, so an email
/// link never skips the authenticator code of someone who turned it on; and a passkey sign-in is marked as one.
public sealed class PorticoSignInManager(
    UserManager<PorticoUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<PorticoUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<PorticoUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PorticoUser> confirmation,
    PorticoDb db,
    Insights.KeyEvents keyEvents,
    TimeProvider clock)
    : SignInManager<PorticoUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public const string EmailLinkMethod = "magic-link";
    public const string SingleSignOnMethod = "sso";

    /// The hidden field the sign-in forms fill from the browser's Intl time zone.
    public const string BrowserTimeZoneField = "BrowserTimeZone";

    /// After an identity provider's ID token: the same pre-sign-in checks (a locked-out person stays out). When the provider
    /// asserted multi-factor authentication the session is marked so and no code is asked; otherwise it is like an email link.
    public async Task<SignInResult> SingleSignOnSignInAsync(PorticoUser user, bool providerAssertedMultiFactor)
    {
        if (await PreSignInCheck(user) is { } refused)
        {
            return refused;
        }
        if (!providerAssertedMultiFactor)
        {
            return await SignInOrTwoFactorAsync(user, isPersistent: false, loginProvider: SingleSignOnMethod);
        }
        await SignInWithClaimsAsync(user, isPersistent: false,
            [new Claim(SignInStrength.MethodClaim, SignInStrength.MultiFactor), new Claim(ClaimTypes.AuthenticationMethod, SingleSignOnMethod)]);
        return SignInResult.Success;
    }

    private bool refreshing;

    /// Every way of signing in ends here; a sign-in counts once for each account the person is an active member of
    /// (staff have none). The events are saved with the new session.
    public override async Task SignInWithClaimsAsync(PorticoUser user, AuthenticationProperties? authenticationProperties, IEnumerable<System.Security.Claims.Claim> additionalClaims)
    {
        if (!refreshing)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var accounts = await db.Memberships.AcrossAccounts().Where(m => m.UserId == user.Id && (m.ExpiresAt == null || m.ExpiresAt > now))
                .Select(m => m.AccountId).ToListAsync();
            foreach (var accountId in accounts)
            {
                keyEvents.Record(Insights.KeyEventKind.SignIn, accountId, user.Id, Insights.Channel.Portal);
            }
        }
        await GuessTimeZoneAsync(user);
        await base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims);
    }

    /// The first guess of a person's time zone: the browser's, posted with the sign-in form, kept only while they have
    /// none and only when it is a real zone; stored before the ticket is made, so this session already shows it.
    private async Task GuessTimeZoneAsync(PorticoUser user)
    {
        if (user.TimeZone is not null || Context.Request is not { HasFormContentType: true } request)
        {
            return;
        }
        var form = await request.ReadFormAsync();
        if (Infrastructure.Web.TimeZones.Find(form[BrowserTimeZoneField]) is { } zone)
        {
            user.TimeZone = zone.Id;
            await UserManager.UpdateAsync(user);
        }
    }

    /// A refreshed cookie (after a profile change) is not a new sign-in.
    public override async Task RefreshSignInAsync(PorticoUser user)
    {
        refreshing = true;
        try
        {
            await base.RefreshSignInAsync(user);
        }
        finally
        {
            refreshing = false;
        }
    }

    /// Succeeded when the person is signed in; RequiresTwoFactor when the two-factor page must follow.
    public async Task<SignInResult> EmailLinkSignInAsync(PorticoUser user) =>
        await PreSignInCheck(user) ?? await SignInOrTwoFactorAsync(user, isPersistent: false, loginProvider: EmailLinkMethod);

    /// The steps of Identity's PasskeySignInAsync: verify the answer, the same pre-sign-in checks (a locked-out
    /// person stays out), store the passkey's new signature count, sign in without the code step. Identity marks
    /// such a session "pwd", like a password; here it is marked as a passkey sign-in, which the two-factor rules accept.
    public async Task<SignInResult> MarkedPasskeySignInAsync(string credentialJson)
    {
        var assertion = await PerformPasskeyAssertionAsync(credentialJson);
        if (!assertion.Succeeded)
        {
            return SignInResult.Failed;
        }
        var user = assertion.User;
        if (await PreSignInCheck(user) is { } refused)
        {
            return refused;
        }
        if (!(await UserManager.AddOrUpdatePasskeyAsync(user, assertion.Passkey)).Succeeded)
        {
            return SignInResult.Failed;
        }
        await SignInWithClaimsAsync(user, isPersistent: false, [SignInStrength.PasskeyClaim()]);
        return SignInResult.Success;
    }
}
