namespace Portico.Features.Identity;

/// Adds the staff role and display name to the sign-in cookie; account access is never
/// put in the cookie but checked against memberships on every request.
public sealed class PorticoClaimsFactory(UserManager<PorticoUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PorticoUser>(users, options)
{
    public const string ThemeClaim = "portico:theme";
    public const string TimeZoneClaim = Infrastructure.Web.TimeZones.Claim;

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PorticoUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim("portico:display_name", user.DisplayName));
        // In the cookie so every page can set the theme on <html> without a query and without a flash.
        if (user.Theme != ThemeChoice.System)
        {
            identity.AddClaim(new Claim(ThemeClaim, user.Theme.ToString()));
        }
        // Language and zone too: every page shows them, and a change applies from the next page on, as the theme does.
        if (user.Language is { } language)
        {
            identity.AddClaim(new Claim(Infrastructure.Web.Languages.LanguageClaim, language));
        }
        if (user.TimeZone is { } zone)
        {
            identity.AddClaim(new Claim(TimeZoneClaim, zone));
        }
        if (user.StaffRole is { } role)
        {
            identity.AddClaim(new Claim(StaffHandler.StaffRoleClaim, role.ToString()));
        }
        return identity;
    }
}
