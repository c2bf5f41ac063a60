using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Portico.Features.Identity;

/// Identity's sign-in manager with one addition: signing in from an emailed link goes through the same
/// "sign in, or ask for the second factor first" step as a password, so an email link never skips the
/// authenticator code of someone who turned it on.
public sealed class PorticoSignInManager(
    UserManager<PorticoUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<PorticoUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<PorticoUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<PorticoUser> confirmation)
    : SignInManager<PorticoUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public const string EmailLinkMethod = "magic-link";

    /// Succeeded when the person is signed in; RequiresTwoFactor when the two-factor page must follow.
    public async Task<SignInResult> EmailLinkSignInAsync(PorticoUser user)
    {
        if (!await CanSignInAsync(user))
        {
            return SignInResult.NotAllowed;
        }
        if (UserManager.SupportsUserLockout && await UserManager.IsLockedOutAsync(user))
        {
            return SignInResult.LockedOut;
        }
        return await SignInOrTwoFactorAsync(user, isPersistent: false, loginProvider: EmailLinkMethod);
    }
}
