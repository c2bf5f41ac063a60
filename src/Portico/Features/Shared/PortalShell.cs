using Portico.Features.Branding;

namespace Portico.Features.Shared;

public sealed record AccountChoice(Guid AccountId, string AccountName, string RoleName);

/// What the layout needs: who is signed in, which accounts they may switch to, where they are.
public sealed record ShellView(
    Brand Branding, string? DisplayName, StaffRole? StaffRole, IReadOnlyList<AccountChoice> Accounts,
    AccountChoice? ActiveAccount, IReadOnlySet<string> Permissions);

public sealed class PortalShell(PorticoDb db, AccountContext account, Brands brands, IHttpContextAccessor http, TimeProvider clock)
{
    public async Task<ShellView> LoadAsync()
    {
        var user = http.HttpContext?.User;
        var branding = await brands.GetAsync(http.HttpContext?.RequestAborted ?? default);
        var userId = user?.UserId();
        if (userId is null)
        {
            return new ShellView(branding, null, null, [], null, new HashSet<string>());
        }
        // The staff console (a cross-account scope) has its own navigation and no account switcher, so its pages do not
        // read the person's memberships: most staff pages then need the database for their own content only.
        var accounts = account.AccountsOfUser
            ?? (account.CrossAccount ? [] : await ActiveAccountsAsync(db, userId.Value, clock.GetUtcNow().UtcDateTime, http.HttpContext!.RequestAborted));
        var active = account.AccountId is { } id ? accounts.FirstOrDefault(a => a.AccountId == id) : null;
        StaffRole? staffRole = Enum.TryParse<StaffRole>(user!.FindFirst(StaffHandler.StaffRoleClaim)?.Value, out var parsed) ? parsed : null;
        // Viewing as a customer, the account's pages show the member's navigation only; the banner leads back.
        if (account.Membership is { ViewedByStaff: true })
        {
            staffRole = null;
        }
        return new ShellView(branding, user.FindFirst("portico:display_name")?.Value ?? user.Identity?.Name,
            staffRole, accounts, active, account.Permissions);
    }

    public static Task<List<AccountChoice>> ActiveAccountsAsync(PorticoDb db, Guid userId, DateTime now, CancellationToken cancellationToken) =>
        db.Memberships.AcrossAccounts().AsNoTracking()
            .Where(m => m.UserId == userId && (m.ExpiresAt == null || m.ExpiresAt > now))
            .OrderBy(m => m.Account.Name)
            .Select(m => new AccountChoice(m.AccountId, m.Account.Name, m.Role.Name))
            .ToListAsync(cancellationToken);
}
