using Portico.Features.Audit;

namespace Portico.Features.Identity;

/// A person changes how the portal names them.
public sealed class ChangeProfile(PorticoDb db, UserManager<PorticoUser> users, SignInManager<PorticoUser> signIn, AuditLog audit)
{
    public async Task<Outcome> ChangeDisplayNameAsync(PorticoUser user, string? displayName, CancellationToken ct)
    {
        var name = displayName?.Trim() ?? "";
        if (name.Length == 0)
        {
            return Outcome.Refused("Enter your name.", new Dictionary<string, string> { ["DisplayName"] = "Enter your name." });
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
            return Outcome.Refused("Choose System, Light or Dark.", new Dictionary<string, string> { ["Theme"] = "Choose System, Light or Dark." });
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
}
