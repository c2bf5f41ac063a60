namespace Portico.Features.Identity;

/// A person changes how the portal names them.
public sealed class ChangeProfile(PorticoDb db, UserManager<PorticoUser> users, SignInManager<PorticoUser> signIn, AuditLog audit,
    IStringLocalizer<ChangeProfile> text)
{
    public async Task<Outcome> ChangeDisplayNameAsync(PorticoUser user, string? displayName, CancellationToken ct)
    {
        var name = displayName?.Trim() ?? "";
        if (name.Length == 0)
        {
            return Outcome.Refused(text["Enter your name."], new Dictionary<string, string> { ["DisplayName"] = text["Enter your name."] });
        }
        if (name == user.DisplayName)
        {
            return Outcome.Done;
        }
        var before = user.DisplayName;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        user.DisplayName = name;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded)
        {
            return Outcome.Refused(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        audit.Record(AuditActions.ProfileUpdated, targetType: "User", targetId: user.Id.ToString(), details: new { display_name = new { from = before, to = name } });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        // The name shown in the header comes from the sign-in ticket.
        await signIn.RefreshSignInAsync(user);
        return Outcome.Done;
    }

    public async Task<Outcome> ChangeThemeAsync(PorticoUser user, ThemeChoice theme)
    {
        if (!Enum.IsDefined(theme))
        {
            return Outcome.Refused(text["Choose System, Light or Dark."], new Dictionary<string, string> { ["Theme"] = text["Choose System, Light or Dark."] });
        }
        if (theme == user.Theme)
        {
            return Outcome.Done;
        }
        user.Theme = theme;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded)
        {
            return Outcome.Refused(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        // Every page reads the theme from the sign-in ticket.
        await signIn.RefreshSignInAsync(user);
        return Outcome.Done;
    }

    /// The interface language ("en", "de", or empty to follow the browser) and the IANA time zone; an unknown value of
    /// either refuses both.
    public async Task<Outcome> ChangeLanguageAndTimeZoneAsync(PorticoUser user, string? language, string? timeZone)
    {
        var errors = new Dictionary<string, string>();
        var chosen = string.IsNullOrWhiteSpace(language) ? null : Infrastructure.Web.Languages.Normalize(language);
        if (!string.IsNullOrWhiteSpace(language) && chosen is null)
        {
            errors["Language"] = text["Choose one of the languages offered."];
        }
        var zone = Infrastructure.Web.TimeZones.Find(timeZone);
        if (zone is null)
        {
            errors["TimeZone"] = text["Choose a time zone from the list, such as Europe/Berlin."];
        }
        if (errors.Count > 0)
        {
            return Outcome.Refused(string.Join(" ", errors.Values), errors);
        }
        if (chosen == user.Language && zone!.Id == user.TimeZone)
        {
            return Outcome.Done;
        }
        user.Language = chosen;
        user.TimeZone = zone!.Id;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded)
        {
            return Outcome.Refused(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        // Every page reads the language and zone from the sign-in ticket.
        await signIn.RefreshSignInAsync(user);
        return Outcome.Done;
    }
}
