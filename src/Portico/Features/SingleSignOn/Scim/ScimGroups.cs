namespace Portico.Features.SingleSignOn;

public sealed record ScimMember(Guid Id, string Display);

/// A SCIM Group as the provider sees it.
public sealed record ScimGroupResource(Guid Id, string DisplayName, IReadOnlyList<ScimMember> Members, DateTime Created, DateTime LastModified);

/// What a request asks of a group: a new name, the whole member list (PUT, or a PATCH replace), members to add and to
/// remove; each member by the id the provider got for the person.
public sealed record ScimGroupChange(string? DisplayName, IReadOnlyList<string>? Members, IReadOnlyList<string> Add, IReadOnlyList<string> Remove)
{
    public static ScimGroupChange Of(string? displayName, IReadOnlyList<string>? members) => new(displayName, members, [], []);
}

public sealed record ScimGroupOutcome(ScimGroupResource? Group, int Status = StatusCodes.Status200OK, string? Detail = null, string? ScimType = null)
{
    public static ScimGroupOutcome Refused(int status, string detail, string? scimType = null) => new(null, status, detail, scimType);
    public static readonly ScimGroupOutcome NotFound = Refused(StatusCodes.Status404NotFound, "No such group.");
}

/// Groups a provider pushes (RFC 7643/7644). A group's members are people the provider may see (ScimUsers.Visible); anyone
/// else is refused and nothing changes. When a group the provider's group-to-role mapping names gains or loses members, is
/// renamed or deleted, each person concerned gets the role their groups now give in the provider's accounts.
public sealed class ScimGroups(PorticoDb db, ScimUsers people, ProviderRoles roles, AuditLog audit, TimeProvider clock)
{
    private IQueryable<ScimGroupResource> Project(IQueryable<ScimGroup> groups) => groups.Select(g => new ScimGroupResource(g.Id, g.DisplayName,
        g.Members.Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new ScimMember(u.Id, u.DisplayName)).ToList(), g.CreatedAt, g.UpdatedAt));

    public Task<ScimGroupResource?> FindAsync(Guid providerId, Guid groupId, CancellationToken ct) =>
        Project(db.ScimGroups.Where(g => g.ProviderId == providerId && g.Id == groupId)).SingleOrDefaultAsync(ct);

    /// Groups in creation order, one page; displayName narrows to one name, compared without regard to case.
    public async Task<(int Total, List<ScimGroupResource> Page)> ListAsync(Guid providerId, string? displayName, int startIndex, int count, CancellationToken ct)
    {
        var groups = db.ScimGroups.Where(g => g.ProviderId == providerId);
        if (displayName is not null)
        {
            // A provider's groups are few, and a case-insensitive comparison is done the same way on every database here.
            var names = await groups.Select(g => new { g.Id, g.DisplayName }).ToListAsync(ct);
            var ids = names.Where(g => string.Equals(g.DisplayName, displayName, StringComparison.OrdinalIgnoreCase)).Select(g => g.Id).ToList();
            groups = groups.Where(g => ids.Contains(g.Id));
        }
        var total = await groups.CountAsync(ct);
        var page = count == 0 ? [] : await Project(groups.OrderBy(g => g.CreatedAt).ThenBy(g => g.Id)).Skip(startIndex - 1).Take(count).ToListAsync(ct);
        return (total, page);
    }

    public async Task<ScimGroupOutcome> CreateAsync(Guid providerId, ScimGroupChange change, CancellationToken ct)
    {
        var name = change.DisplayName?.Trim();
        if (RefuseName(name) is { } refused)
        {
            return refused;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.ScimGroups.AnyAsync(g => g.ProviderId == providerId && g.DisplayName == name, ct))
        {
            return Taken(name!);
        }
        var (members, unknown) = await MembersAsync(providerId, change.Members ?? [], ct);
        if (unknown is not null)
        {
            return unknown;
        }
        var provider = await LoadAsync(providerId, ct);
        await roles.LockAccountsAsync(provider, ct);
        var group = new ScimGroup(providerId, name!, clock.GetUtcNow().UtcDateTime);
        group.Members.AddRange(members.Select(m => new ScimGroupMember(group.Id, m)));
        db.ScimGroups.Add(group);
        if (await SaveNamedAsync(name!, ct) is { } taken)
        {
            return taken;
        }
        audit.Record(AuditActions.ScimGroupCreated, targetType: "ScimGroup", targetId: group.Id.ToString(), actorName: Actor(provider),
            details: new { provider = providerId, group = group.DisplayName, members });
        await ApplyRolesAsync(provider, [group.DisplayName], members, ct);
        await transaction.CommitAsync(ct);
        return new ScimGroupOutcome(await FindAsync(providerId, group.Id, ct), StatusCodes.Status201Created);
    }

    public async Task<ScimGroupOutcome> ChangeAsync(Guid providerId, Guid groupId, ScimGroupChange change, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await LockedAsync(providerId, groupId, ct) is not { } group)
        {
            return ScimGroupOutcome.NotFound;
        }
        var name = change.DisplayName?.Trim() ?? group.DisplayName;
        if (RefuseName(name) is { } badName)
        {
            return badName;
        }
        if (name != group.DisplayName && await db.ScimGroups.AnyAsync(g => g.ProviderId == providerId && g.DisplayName == name, ct))
        {
            return Taken(name);
        }
        var (replacing, unknownReplaced) = await MembersAsync(providerId, change.Members ?? [], ct);
        var (adding, unknownAdded) = await MembersAsync(providerId, change.Add, ct);
        if ((unknownReplaced ?? unknownAdded) is { } unknown)
        {
            return unknown;
        }
        // Removing someone who is not a member changes nothing, as RFC 7644 allows; an id that is not a person is ignored too.
        var removed = change.Remove.Select(r => Guid.TryParse(r, out var id) ? id : Guid.Empty).ToHashSet();
        var before = group.Members.Select(m => m.UserId).ToHashSet();
        var after = change.Members is null ? [.. before] : replacing.ToHashSet();
        after.UnionWith(adding);
        after.ExceptWith(removed);
        var added = after.Except(before).ToList();
        var taken = before.Except(after).ToList();
        var oldName = group.DisplayName;
        if (added.Count == 0 && taken.Count == 0 && name == oldName)
        {
            await transaction.CommitAsync(ct);
            return new ScimGroupOutcome(await FindAsync(providerId, groupId, ct));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var provider = await LoadAsync(providerId, ct);
        await roles.LockAccountsAsync(provider, ct);
        group.Members.RemoveAll(m => taken.Contains(m.UserId));
        group.Members.AddRange(added.Select(u => new ScimGroupMember(group.Id, u)));
        group.Rename(name, now);
        if (await SaveNamedAsync(name, ct) is { } nameTaken)
        {
            return nameTaken;
        }
        audit.Record(AuditActions.ScimGroupChanged, targetType: "ScimGroup", targetId: group.Id.ToString(), actorName: Actor(provider),
            details: new { provider = providerId, group = name, renamedFrom = name == oldName ? null : oldName, added, removed = taken });
        await ApplyRolesAsync(provider, [oldName, name], name == oldName ? [.. added, .. taken] : [.. before.Union(after)], ct);
        await transaction.CommitAsync(ct);
        return new ScimGroupOutcome(await FindAsync(providerId, groupId, ct));
    }

    public async Task<ScimGroupOutcome> DeleteAsync(Guid providerId, Guid groupId, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await LockedAsync(providerId, groupId, ct) is not { } group)
        {
            return ScimGroupOutcome.NotFound;
        }
        var members = group.Members.Select(m => m.UserId).ToList();
        var provider = await LoadAsync(providerId, ct);
        await roles.LockAccountsAsync(provider, ct);
        db.ScimGroups.Remove(group);
        await db.SaveChangesAsync(ct);
        audit.Record(AuditActions.ScimGroupDeleted, targetType: "ScimGroup", targetId: group.Id.ToString(), actorName: Actor(provider),
            details: new { provider = providerId, group = group.DisplayName, members });
        await ApplyRolesAsync(provider, [group.DisplayName], members, ct);
        await transaction.CommitAsync(ct);
        return new ScimGroupOutcome(null, StatusCodes.Status204NoContent);
    }

    /// The group with its members, its row locked first: writers of one group queue behind each other, and one that waited
    /// for the group's deletion finds it gone (404) instead of writing members to a group that is no more. Null when there
    /// is no such group.
    private async Task<ScimGroup?> LockedAsync(Guid providerId, Guid groupId, CancellationToken ct) =>
        await db.ScimGroups.Where(g => g.ProviderId == providerId && g.Id == groupId)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.UpdatedAt, g => g.UpdatedAt), ct) == 0 ? null
            : await db.ScimGroups.Include(g => g.Members).SingleAsync(g => g.Id == groupId, ct);

    /// The people named, each one the provider may see, in the order given without repeats; or the refusal naming one it may not.
    private async Task<(List<Guid> Members, ScimGroupOutcome? Unknown)> MembersAsync(Guid providerId, IReadOnlyList<string> values, CancellationToken ct)
    {
        var ids = new List<Guid>();
        foreach (var value in values)
        {
            if (!Guid.TryParse(value, out var id))
            {
                return ([], ScimGroupOutcome.Refused(StatusCodes.Status400BadRequest, $"No user {value} of this provider.", "invalidValue"));
            }
            ids.Add(id);
        }
        var distinct = ids.Distinct().ToList();
        var visible = await people.Visible(providerId).Where(u => distinct.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        return distinct.FirstOrDefault(id => !visible.Contains(id)) is var missing && missing != Guid.Empty
            ? ([], ScimGroupOutcome.Refused(StatusCodes.Status400BadRequest, $"No user {missing} of this provider.", "invalidValue"))
            : (distinct, null);
    }

    /// Only a group the mapping names decides roles, so a provider pushing groups Portico has no use for changes nobody's role.
    /// Saves the changes (the group's audit event with the role changes), with the provider's accounts locked by the caller.
    private async Task ApplyRolesAsync(SingleSignOnProvider provider, IReadOnlyList<string> groupNames, IReadOnlyCollection<Guid> members, CancellationToken ct)
    {
        if (provider.GroupRoles.Any(g => groupNames.Contains(g.Group)))
        {
            foreach (var userId in members.Distinct())
            {
                var groups = await roles.ScimGroupsOfAsync(provider.Id, userId, ct);
                await roles.ApplyAsync(provider, userId, ProviderRoles.RoleFor(provider, groups), Actor(provider), actorUserId: null, ct);
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private static ScimGroupOutcome Taken(string name) =>
        ScimGroupOutcome.Refused(StatusCodes.Status409Conflict, $"A group named {name} already exists.", "uniqueness");

    /// Saves a group's new name, or answers that it is taken: the check before is not under a lock, so a parallel create
    /// or rename to the same name can commit in between, and the unique index refuses this one (on PostgreSQL; SQLite's
    /// transactions run one at a time). The caller's transaction then rolls back with nothing written.
    private async Task<ScimGroupOutcome?> SaveNamedAsync(string name, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return Taken(name);
        }
    }

    private static ScimGroupOutcome? RefuseName(string? name) => name is { Length: > 0 and <= SingleSignOnLimits.Group } ? null
        : ScimGroupOutcome.Refused(StatusCodes.Status400BadRequest, $"displayName must be 1 to {SingleSignOnLimits.Group} characters.", "invalidValue");

    private static string Actor(SingleSignOnProvider provider) => "scim:" + provider.Name;

    private Task<SingleSignOnProvider> LoadAsync(Guid providerId, CancellationToken ct) =>
        db.SingleSignOnProviders.AsNoTracking().Include(p => p.Accounts).Include(p => p.GroupRoles).AsSplitQuery().SingleAsync(p => p.Id == providerId, ct);
}
