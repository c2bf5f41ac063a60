namespace Portico.Features.Contacts;

/// Changes one membership's role. The membership must belong to the given account
/// (a forged pair answers NotFound), and an account never loses its last Owner.
public sealed class ChangeMembershipRole(PorticoDb db, AuditLog audit, Insights.KeyEvents keyEvents, EmailOutbox email, ContactWriteBacks writeBacks, TimeProvider clock,
    IStringLocalizer<ChangeMembershipRole> text)
{
    public const string LastOwnerRefusal = "The account's last Owner cannot be given another role. Make someone else Owner first.";

    /// What RunAsync would answer without changing anything, or null when it would change the role.
    public async Task<Outcome?> CheckAsync(Guid accountId, Guid membershipId, Guid roleId, CancellationToken cancellationToken) =>
        (await PrepareAsync(accountId, membershipId, roleId, cancellationToken)).Answer;

    public const string UnchangedRefusal = "The person already has this role.";

    /// Done also when the person already has the role, unless refuseUnchanged: an approved change must find the old
    /// role still there, checked under the lock, or two approvals of it racing would both pass.
    public Task<Outcome> RunAsync(Guid accountId, Guid membershipId, Guid roleId, CancellationToken cancellationToken, bool refuseUnchanged = false) =>
        WithOwnersLockedAsync(db, accountId, () => RunLockedAsync(accountId, membershipId, roleId, refuseUnchanged, cancellationToken), cancellationToken);

    private async Task<Outcome> RunLockedAsync(Guid accountId, Guid membershipId, Guid roleId, bool refuseUnchanged, CancellationToken cancellationToken)
    {
        var (answer, membership, role) = await PrepareAsync(accountId, membershipId, roleId, cancellationToken);
        if (refuseUnchanged && answer is { Kind: OutcomeKind.Done })
        {
            return Outcome.Refused(UnchangedRefusal);
        }
        if (answer is not null)
        {
            return answer;
        }
        var from = membership.Role.Name;
        membership.ChangeRole(role.Id);
        audit.Record(AuditActions.MembershipRoleChanged, accountId, "Membership", membership.Id.ToString(),
            new { user = membership.User.Email, from, to = role.Name });
        keyEvents.Record(Insights.KeyEventKind.ContactChanged, accountId);
        await writeBacks.SendAsync(accountId, ContactWriteBacks.Changes.RoleChanged, $"Give {membership.User.DisplayName} the {role.Name} role (was {from})",
            membership.User.Email!, membership.User.DisplayName, role.Name, membership.ExpiresAt, cancellationToken);
        // The refusals above stay English (approvals compare them); the email is in the person's language.
        email.Queue(membership.User.Email!, membership.User.Language, () => (text["Your role at {0} changed", membership.Account.Name], [
            text["Hello {0},", membership.User.DisplayName],
            text["Your role at {0} is now {1} (was {2}).", membership.Account.Name, role.Name, from]]));
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Done;
    }

    /// The answer when the role is not to be changed, or null with the membership and the new role.
    private async Task<(Outcome? Answer, Membership Membership, Role Role)> PrepareAsync(Guid accountId, Guid membershipId, Guid roleId, CancellationToken cancellationToken)
    {
        var membership = await db.Memberships.Include(m => m.Role).Include(m => m.User).Include(m => m.Account)
            .SingleOrDefaultAsync(m => m.Id == membershipId && m.AccountId == accountId, cancellationToken);
        if (membership is null)
        {
            return (Outcome.NotFound, null!, null!);
        }
        var role = await db.Roles.SingleOrDefaultAsync(r => r.Id == roleId, cancellationToken);
        if (role is null)
        {
            return (Outcome.Refused("Choose a role."), membership, null!);
        }
        if (role.Id == membership.RoleId)
        {
            return (Outcome.Done, membership, role);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (membership.Role.Name == BuiltInRoles.Owner && !await HasAnotherOwnerAsync(db, membership, now, cancellationToken))
        {
            return (Outcome.Refused(LastOwnerRefusal), membership, role);
        }
        return (null, membership, role);
    }

    /// Runs a change that may take away an Owner with the account locked first, so two Owners removing or demoting
    /// each other at once queue behind each other and the second sees that only one Owner is left.
    public static Task<T> WithOwnersLockedAsync<T>(PorticoDb db, Guid accountId, Func<Task<T>> change, CancellationToken ct) =>
        db.WithRowLockedAsync(() => LockAccountAsync(db, accountId, ct), change, _ => true, ct);

    /// A write to the account row takes its lock (PostgreSQL) or the database's write lock (SQLite) before anything is
    /// read; it holds until the caller's transaction ends.
    public static Task<int> LockAccountAsync(PorticoDb db, Guid accountId, CancellationToken ct) =>
        db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Name, a => a.Name), ct);

    /// The last-Owner rule: whether the account keeps an active Owner besides this membership.
    public static Task<bool> HasAnotherOwnerAsync(PorticoDb db, Membership membership, DateTime now, CancellationToken cancellationToken) =>
        db.Memberships.AcrossAccounts().AnyAsync(m => m.AccountId == membership.AccountId && m.Id != membership.Id
            && m.Role.Name == BuiltInRoles.Owner && (m.ExpiresAt == null || m.ExpiresAt > now), cancellationToken);

    /// Why someone holding these permissions may not move a person from one role to another, or null when they may.
    public static string? Beyond(IReadOnlySet<string> held, Role from, Role to) =>
        to.Permissions.Concat(from.Permissions).Any(p => !held.Contains(p))
            ? $"You cannot give or take the {(to.Permissions.Any(p => !held.Contains(p)) ? to.Name : from.Name)} role: it has permissions your own role does not."
            : null;
}
