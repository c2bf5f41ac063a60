using System.Security.Claims;

namespace Portico.Features.Identity;

/// Adds the staff role and display name to the sign-in cookie; account access is never
/// put in the cookie but checked against memberships on every request.
public sealed class PorticoClaimsFactory(UserManager<PorticoUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PorticoUser>(users, options)
{
    public const string ThemeClaim = "portico:theme";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PorticoUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim("portico:display_name", user.DisplayName));
        // In the cookie so every page can set the theme on <html> without a query and without a flash.
        if (user.Theme != ThemeChoice.System)
        {
            identity.AddClaim(new Claim(ThemeClaim, user.Theme.ToString()));
        }
        if (user.StaffRole is { } role)
        {
            identity.AddClaim(new Claim(StaffHandler.StaffRoleClaim, role.ToString()));
        }
        return identity;
    }
}
