namespace Portico.Features.SingleSignOn;

public enum SingleSignOnOutcome
{
    SignedIn,
    /// The provider did not assert multi-factor authentication and the person has an authenticator app: the code step follows.
    RequiresTwoFactor,
    Refused,
}

public sealed record SingleSignOnResult(SingleSignOnOutcome Outcome, string? Reason = null);

/// Why a single sign-on ended on the sign-in page, as the page's query names it.
public static class SingleSignOnReasons
{
    public const string Rejected = "rejected";
    public const string Disabled = "disabled";
    public const string Unverified = "unverified";
    public const string OutsideDomains = "domain";
    public const string NotAllowed = "not_allowed";

    public static string Message(string? reason) => reason switch
    {
        Disabled => "Single sign-on with that provider is turned off. Sign in another way, or ask your administrator.",
        Unverified => "Your identity provider did not confirm your email address, so it cannot sign you in here. Ask your administrator.",
        OutsideDomains => "Your identity provider signed you in with an email address it does not serve here. Ask your administrator.",
        NotAllowed => "Signing in is locked for a while after too many failed attempts. Try again later.",
        _ => "Single sign-on did not sign you in. Try again, or ask your administrator.",
    };
}

/// Turns an ID token the handler validated into a Portico sign-in. The person is found by the provider's subject; failing
/// that, an existing person is linked only when the provider asserts a verified email in one of its domains (so no provider
/// can take over someone else's account), and otherwise a person is created with membership in the provider's accounts.
/// The session is the same server-side session as any other sign-in; the provider's "mfa" meets the two-factor rules.
public sealed class SignInWithSingleSignOn(PorticoDb db, UserManager<PorticoUser> users, PorticoSignInManager signIn, ProviderRoles roles, AuditLog audit,
    TimeProvider clock)
{
    public static string LoginProvider(Guid providerId) => "sso:" + providerId.ToString("N");

    public async Task<SingleSignOnResult> RunAsync(Guid providerId, ClaimsPrincipal principal, CancellationToken ct)
    {
        var provider = await db.SingleSignOnProviders.AsNoTracking().Include(p => p.Domains).Include(p => p.Accounts).Include(p => p.GroupRoles)
            .AsSplitQuery().SingleOrDefaultAsync(p => p.Id == providerId, ct);
        string? Claim(string type) => principal.FindFirst(type)?.Value;
        var subject = Claim("sub");
        var email = Claim("email")?.Trim();
        var domain = SingleSignOnDirectory.DomainOf(email);
        var refusal = provider is not { Enabled: true } ? SingleSignOnReasons.Disabled
            : subject is null || domain is null || provider.Domains.All(d => d.Domain != domain) ? SingleSignOnReasons.OutsideDomains
            : !EmailVerified(Claim) ? SingleSignOnReasons.Unverified
            : null;
        if (refusal is not null)
        {
            audit.Record(AuditActions.SingleSignOnRefused, targetType: "SingleSignOnProvider", targetId: providerId.ToString(),
                details: new { reason = refusal, domain }, actorName: email);
            await db.SaveChangesAsync(ct);
            return new SingleSignOnResult(SingleSignOnOutcome.Refused, refusal);
        }

        try
        {
            return await SignInAsync(provider!, subject!, email!, principal, ct);
        }
        catch (Exception e) when (e is LostRace || (e is DbUpdateException update && update.IsUniqueViolation()))
        {
            // The same person's first sign-in in another tab created or linked them first; this one rolled back and now
            // finds them.
            db.ChangeTracker.Clear();
            return await SignInAsync(provider!, subject!, email!, principal, ct);
        }
    }

    private sealed class LostRace : Exception;

    private async Task<SingleSignOnResult> SignInAsync(SingleSignOnProvider provider, string subject, string email, ClaimsPrincipal principal, CancellationToken ct)
    {
        var providerId = provider.Id;
        string? Claim(string type) => principal.FindFirst(type)?.Value;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var login = LoginProvider(providerId);
        var user = await users.FindByLoginAsync(login, subject);
        if (user is null)
        {
            user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                user = new PorticoUser
                {
                    UserName = email, Email = email, EmailConfirmed = true, CreatedAt = clock.GetUtcNow().UtcDateTime,
                    DisplayName = Claim("name") is { Length: > 0 and <= 100 } name ? name : email,
                };
                // An address Identity will not take as a user name (say, with characters it does not allow) is refused, not a 500.
                if (await users.CreateAsync(user) is { Succeeded: false } notCreated)
                {
                    if (notCreated.AddressTaken())
                    {
                        throw new LostRace();
                    }
                    audit.Record(AuditActions.SingleSignOnRefused, targetType: "SingleSignOnProvider", targetId: providerId.ToString(),
                        details: new { reason = "cannot_create", errors = notCreated.Errors.Select(e => e.Code) }, actorName: email);
                    await db.SaveChangesAsync(ct);
                    await transaction.CommitAsync(ct);
                    return new SingleSignOnResult(SingleSignOnOutcome.Refused, SingleSignOnReasons.Rejected);
                }
                audit.Record(AuditActions.SingleSignOnPersonCreated, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: email,
                    details: new { provider = providerId });
            }
            if (await users.AddLoginAsync(user, new UserLoginInfo(login, subject, provider.Name)) is { Succeeded: false } notLinked)
            {
                throw notLinked.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.LoginAlreadyAssociated))
                    ? new LostRace()
                    : new InvalidOperationException(string.Join("; ", notLinked.Errors.Select(e => e.Description)));
            }
            audit.Record(AuditActions.SingleSignOnLinked, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email,
                details: new { provider = providerId });
        }
        // Staff sign in through a provider as themselves; membership is for customers.
        if (user.StaffRole is null)
        {
            await GrantMembershipsAsync(provider!, user, principal.FindAll("groups").Select(c => c.Value).ToHashSet(StringComparer.Ordinal), ct);
        }

        var result = await signIn.SingleSignOnSignInAsync(user, principal.HasClaim("amr", SignInStrength.MultiFactor));
        SingleSignOnResult outcome;
        if (result.Succeeded)
        {
            audit.Record(AuditActions.LoginSucceeded, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email,
                details: new { method = "sso", provider = providerId });
            outcome = new SingleSignOnResult(SingleSignOnOutcome.SignedIn);
        }
        else if (result.RequiresTwoFactor)
        {
            outcome = new SingleSignOnResult(SingleSignOnOutcome.RequiresTwoFactor);
        }
        else
        {
            audit.Record(AuditActions.LoginFailed, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email,
                details: new { method = "sso", provider = providerId, reason = result.IsLockedOut ? "locked_out" : "not_allowed" });
            outcome = new SingleSignOnResult(SingleSignOnOutcome.Refused, SingleSignOnReasons.NotAllowed);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return outcome;
    }

    /// Just-in-time membership: each account the provider serves that the person is not yet in, with the role their groups
    /// give (ProviderRoles). When the provider maps groups to roles, the memberships they already hold there take that role
    /// too, so a change of groups at the provider reaches the portal at the next sign-in. The groups are those of the ID token
    /// and those the provider keeps through SCIM. Nothing for a person the provider deactivated through SCIM.
    private async Task GrantMembershipsAsync(SingleSignOnProvider provider, PorticoUser user, HashSet<string> groups, CancellationToken ct)
    {
        var accountIds = provider.Accounts.Select(a => a.AccountId).ToList();
        if (accountIds.Count == 0 || await db.ScimPeople.AnyAsync(p => p.ProviderId == provider.Id && p.UserId == user.Id && !p.Active, ct))
        {
            return;
        }
        await roles.LockAccountsAsync(provider, ct);
        groups.UnionWith(await roles.ScimGroupsOfAsync(provider.Id, user.Id, ct));
        var roleId = ProviderRoles.RoleFor(provider, groups);
        if (provider.GroupRoles.Count > 0)
        {
            await roles.ApplyAsync(provider, user.Id, roleId, user.Email, user.Id, ct);
        }
        var existing = await db.Memberships.IgnoreQueryFilters().Where(m => m.UserId == user.Id && accountIds.Contains(m.AccountId))
            .Select(m => m.AccountId).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var accountId in accountIds.Except(existing))
        {
            db.Memberships.Add(new Membership(accountId, user.Id, roleId, now));
            audit.Record(AuditActions.SingleSignOnMembershipGranted, accountId: accountId, targetType: "User", targetId: user.Id.ToString(),
                actorUserId: user.Id, actorName: user.Email, details: new { provider = provider.Id, role = roleId });
        }
        await db.SaveChangesAsync(ct);
    }

    /// OpenID Connect's email_verified; Microsoft Entra ID sends none for organisational accounts but, when asked for it as an
    /// optional claim, xms_edov: the tenant owns the email's domain. That one counts only where email_verified is absent.
    private static bool EmailVerified(Func<string, string?> claim) => claim("email_verified") is { } verified
        ? string.Equals(verified, "true", StringComparison.OrdinalIgnoreCase)
        : string.Equals(claim("xms_edov"), "true", StringComparison.OrdinalIgnoreCase);
}
