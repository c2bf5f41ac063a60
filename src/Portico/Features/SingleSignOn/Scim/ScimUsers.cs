using System.Net.Mail;
using Portico.Features.Contacts;

namespace Portico.Features.SingleSignOn;

/// A SCIM User as the provider sees it: the person, and whether the provider has them active.
public sealed record ScimUser(Guid Id, string UserName, string DisplayName, bool Active, DateTime Created, DateTime LastModified);

/// What a SCIM request asks for a person; null leaves a value as it is.
public sealed record ScimChange(string? UserName, string? DisplayName, bool? Active);

public sealed record ScimOutcome(ScimUser? User, int Status = StatusCodes.Status200OK, string? Detail = null, string? ScimType = null)
{
    public static ScimOutcome Refused(int status, string detail, string? scimType = null) => new(null, status, detail, scimType);
    public static readonly ScimOutcome NotFound = Refused(StatusCodes.Status404NotFound, "No such user.");
    public static readonly ScimOutcome Deleted = new(null, StatusCodes.Status204NoContent);
}

/// Provisioning by an identity provider (RFC 7643/7644). A provider sees only the people it provisioned and the members of
/// the accounts it serves; deactivating someone ends their memberships in those accounts and signs them out everywhere at
/// once, as removing a member does (refused, with nothing changed, while they are an account's last Owner); making them
/// active again gives the memberships back with the role their groups give.
public sealed class ScimUsers(PorticoDb db, UserManager<PorticoUser> users, DatabaseTicketStore sessions, ProviderRoles roles, AuditLog audit, TimeProvider clock)
{
    public const int MaxCount = 200;

    /// The people a provider may see and name: those it provisioned and the customers of the accounts it serves.
    public IQueryable<PorticoUser> Visible(Guid providerId) => db.Users.Where(u => u.StaffRole == null
        && (db.ScimPeople.Any(p => p.ProviderId == providerId && p.UserId == u.Id)
            || db.Memberships.AcrossAccounts().Any(m => m.UserId == u.Id
                && db.SingleSignOnProviders.Where(p => p.Id == providerId).SelectMany(p => p.Accounts).Any(a => a.AccountId == m.AccountId))));

    private IQueryable<ScimUser> Project(IQueryable<PorticoUser> people, Guid providerId) => people.Select(u => new ScimUser(u.Id, u.Email!, u.DisplayName,
        db.ScimPeople.Where(p => p.ProviderId == providerId && p.UserId == u.Id).Select(p => (bool?)p.Active).FirstOrDefault() ?? true,
        u.CreatedAt, db.ScimPeople.Where(p => p.ProviderId == providerId && p.UserId == u.Id).Select(p => (DateTime?)p.UpdatedAt).FirstOrDefault() ?? u.CreatedAt));

    public Task<ScimUser?> FindAsync(Guid providerId, Guid userId, CancellationToken ct) =>
        Project(Visible(providerId).Where(u => u.Id == userId), providerId).SingleOrDefaultAsync(ct);

    /// People in creation order, one page; userName narrows to one address (compared without regard to case).
    public async Task<(int Total, List<ScimUser> Page)> ListAsync(Guid providerId, string? userName, int startIndex, int count, CancellationToken ct)
    {
        var people = Visible(providerId);
        if (userName is not null)
        {
            var normalized = users.NormalizeEmail(userName);
            people = people.Where(u => u.NormalizedEmail == normalized);
        }
        var total = await people.CountAsync(ct);
        var page = count == 0 ? [] : await Project(people.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id), providerId).Skip(startIndex - 1).Take(count).ToListAsync(ct);
        return (total, page);
    }

    public async Task<ScimOutcome> CreateAsync(Guid providerId, ScimChange change, CancellationToken ct)
    {
        var provider = await LoadAsync(providerId, ct);
        var email = change.UserName?.Trim();
        if (RefuseEmail(provider, email) is { } refused)
        {
            return refused;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await users.FindByEmailAsync(email!);
        if (user is not null && (user.IsStaff || await Visible(providerId).AnyAsync(u => u.Id == user.Id, ct)))
        {
            return Exists(email!);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var created = user is null;
        try
        {
            if (user is null)
            {
                user = new PorticoUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = now, DisplayName = DisplayNameOr(change.DisplayName, email!) };
                if (await users.CreateAsync(user) is { Succeeded: false } notCreated)
                {
                    if (notCreated.AddressTaken())
                    {
                        db.ChangeTracker.Clear();
                        return Exists(email!);
                    }
                    return ScimOutcome.Refused(StatusCodes.Status400BadRequest, string.Join(" ", notCreated.Errors.Select(e => e.Description)), "invalidValue");
                }
            }
            var active = change.Active ?? true;
            db.ScimPeople.Add(new ScimPerson(providerId, user.Id, active, now));
            var granted = active ? await GrantAsync(provider, user, now, ct) : [];
            audit.Record(AuditActions.ScimPersonCreated, targetType: "User", targetId: user.Id.ToString(), actorName: "scim:" + provider.Name,
                details: new { provider = providerId, user = email, existing = !created, active, accounts = granted });
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // A parallel create of the same userName committed between the check above and these inserts (the person's
            // unique user name, or the provider's one record of them); this one rolls back with nothing written. Identity's
            // own check can see that commit first, and then says the address is taken (above).
            db.ChangeTracker.Clear();
            return Exists(email!);
        }
        await transaction.CommitAsync(ct);
        return new ScimOutcome(await FindAsync(providerId, user.Id, ct), StatusCodes.Status201Created);
    }

    private static ScimOutcome Exists(string email) =>
        ScimOutcome.Refused(StatusCodes.Status409Conflict, $"A user with userName {email} already exists.", "uniqueness");

    public async Task<ScimOutcome> ChangeAsync(Guid providerId, Guid userId, ScimChange change, CancellationToken ct)
    {
        var provider = await LoadAsync(providerId, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await Visible(providerId).SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return ScimOutcome.NotFound;
        }
        if (change.UserName is { } userName && !string.Equals(userName.Trim(), user.Email, StringComparison.OrdinalIgnoreCase))
        {
            return ScimOutcome.Refused(StatusCodes.Status400BadRequest, "userName cannot be changed here.", "mutability");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var actor = "scim:" + provider.Name;
        if (DisplayNameOr(change.DisplayName, user.DisplayName) is var name && name != user.DisplayName)
        {
            audit.Record(AuditActions.ScimPersonChanged, targetType: "User", targetId: user.Id.ToString(), actorName: actor,
                details: new { provider = providerId, user = user.Email, displayName = new { from = user.DisplayName, to = name } });
            user.DisplayName = name;
        }
        var person = await db.ScimPeople.SingleOrDefaultAsync(p => p.ProviderId == providerId && p.UserId == user.Id, ct);
        var wasActive = person?.Active ?? true;
        if (person is null)
        {
            person = new ScimPerson(providerId, user.Id, wasActive, now);
            db.ScimPeople.Add(person);
        }
        List<UserSession> ended = [];
        if (change.Active is { } active && active != wasActive)
        {
            person.SetActive(active, now);
            if (active)
            {
                var granted = await GrantAsync(provider, user, now, ct);
                audit.Record(AuditActions.ScimPersonReactivated, targetType: "User", targetId: user.Id.ToString(), actorName: actor,
                    details: new { provider = providerId, user = user.Email, accounts = granted });
            }
            else
            {
                var memberships = await MembershipsLockedAsync(provider, user.Id, ct);
                if (await RefuseLastOwnerAsync(user, memberships, "deactivated", ct) is { } lastOwner)
                {
                    return lastOwner;
                }
                ended = await EndAsync(user, memberships, ct);
                audit.Record(AuditActions.ScimPersonDeactivated, targetType: "User", targetId: user.Id.ToString(), actorName: actor,
                    details: new { provider = providerId, user = user.Email, accounts = memberships.Select(m => m.AccountId), sessionsEnded = ended.Count });
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        // Cached tickets go only once the revocation is committed, or a request in between would cache them again.
        sessions.Forget(ended);
        return new ScimOutcome(await FindAsync(providerId, user.Id, ct));
    }

    /// RFC 7644 §3.6: the provider no longer sees the person. Their memberships in its accounts end, they leave its groups and
    /// every session of theirs ends at once; the person stays for their other accounts. Refused, with nothing changed, while
    /// they are the last Owner of one of those accounts.
    public async Task<ScimOutcome> DeleteAsync(Guid providerId, Guid userId, CancellationToken ct)
    {
        var provider = await LoadAsync(providerId, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await Visible(providerId).SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return ScimOutcome.NotFound;
        }
        var memberships = await MembershipsLockedAsync(provider, user.Id, ct);
        if (await RefuseLastOwnerAsync(user, memberships, "deleted", ct) is { } lastOwner)
        {
            return lastOwner;
        }
        var groups = await db.ScimGroupMembers.Where(m => m.UserId == user.Id && db.ScimGroups.Any(g => g.Id == m.GroupId && g.ProviderId == providerId)).ToListAsync(ct);
        db.ScimGroupMembers.RemoveRange(groups);
        db.ScimPeople.RemoveRange(await db.ScimPeople.Where(p => p.ProviderId == providerId && p.UserId == user.Id).ToListAsync(ct));
        var ended = await EndAsync(user, memberships, ct);
        audit.Record(AuditActions.ScimPersonDeleted, targetType: "User", targetId: user.Id.ToString(), actorName: "scim:" + provider.Name,
            details: new { provider = providerId, user = user.Email, accounts = memberships.Select(m => m.AccountId), groups = groups.Select(g => g.GroupId), sessionsEnded = ended.Count });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        sessions.Forget(ended);
        return ScimOutcome.Deleted;
    }

    /// The person's memberships in the provider's accounts, read with those accounts locked, as every removal of a member is.
    private async Task<List<Membership>> MembershipsLockedAsync(SingleSignOnProvider provider, Guid userId, CancellationToken ct)
    {
        await roles.LockAccountsAsync(provider, ct);
        var accountIds = provider.Accounts.Select(a => a.AccountId).ToList();
        return await db.Memberships.IgnoreQueryFilters().Include(m => m.Role).Include(m => m.Account)
            .Where(m => m.UserId == userId && accountIds.Contains(m.AccountId)).ToListAsync(ct);
    }

    /// The refusal while the person is the last Owner of one of the accounts whose memberships they would lose, or null.
    /// Asked under the accounts' locks (MembershipsLockedAsync), so when two Owners are taken away at once the second
    /// sees the first gone.
    private async Task<ScimOutcome?> RefuseLastOwnerAsync(PorticoUser user, List<Membership> memberships, string taken, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var owner in memberships.Where(m => m.Role.Name == BuiltInRoles.Owner))
        {
            if (!await ChangeMembershipRole.HasAnotherOwnerAsync(db, owner, now, ct))
            {
                return ScimOutcome.Refused(StatusCodes.Status409Conflict,
                    $"{user.Email} is the last Owner of {owner.Account.Name} and cannot be {taken}. Make someone else Owner there first.");
            }
        }
        return null;
    }

    /// As when a member is removed: the memberships go, every session ends now, and the new stamp fails any cookie issued
    /// before. The sessions' cached copies are for the caller to forget once this is committed.
    private async Task<List<UserSession>> EndAsync(PorticoUser user, List<Membership> memberships, CancellationToken ct)
    {
        db.Memberships.RemoveRange(memberships);
        var ended = await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null).ToListAsync(ct);
        sessions.End(ended);
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        return ended;
    }

    private async Task<List<Guid>> GrantAsync(SingleSignOnProvider provider, PorticoUser user, DateTime now, CancellationToken ct)
    {
        await roles.LockAccountsAsync(provider, ct);
        var accountIds = provider.Accounts.Select(a => a.AccountId).ToList();
        var existing = await db.Memberships.IgnoreQueryFilters().Where(m => m.UserId == user.Id && accountIds.Contains(m.AccountId)).Select(m => m.AccountId).ToListAsync(ct);
        var granted = accountIds.Except(existing).ToList();
        var roleId = ProviderRoles.RoleFor(provider, await roles.ScimGroupsOfAsync(provider.Id, user.Id, ct));
        foreach (var accountId in granted)
        {
            db.Memberships.Add(new Membership(accountId, user.Id, roleId, now));
            audit.Record(AuditActions.SingleSignOnMembershipGranted, accountId: accountId, targetType: "User", targetId: user.Id.ToString(),
                actorName: "scim:" + provider.Name, details: new { provider = provider.Id, role = roleId });
        }
        return granted;
    }

    private Task<SingleSignOnProvider> LoadAsync(Guid providerId, CancellationToken ct) =>
        db.SingleSignOnProviders.AsNoTracking().Include(p => p.Domains).Include(p => p.Accounts).Include(p => p.GroupRoles).AsSplitQuery().SingleAsync(p => p.Id == providerId, ct);

    private static ScimOutcome? RefuseEmail(SingleSignOnProvider provider, string? email)
    {
        if (email is null || email.Length > 256 || !MailAddress.TryCreate(email, out var address) || address.Address != email)
        {
            return ScimOutcome.Refused(StatusCodes.Status400BadRequest, "userName must be the person's email address.", "invalidValue");
        }
        var domain = SingleSignOnDirectory.DomainOf(email);
        return provider.Domains.Any(d => d.Domain == domain) ? null
            : ScimOutcome.Refused(StatusCodes.Status400BadRequest, $"{email} is not in one of this provider's email domains.", "invalidValue");
    }

    private static string DisplayNameOr(string? name, string fallback) => name?.Trim() is { Length: > 0 and <= 100 } trimmed ? trimmed : fallback;
}
