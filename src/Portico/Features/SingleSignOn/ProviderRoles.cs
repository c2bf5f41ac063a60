using Portico.Features.Contacts;

namespace Portico.Features.SingleSignOn;

/// Keeps a person's role in a provider's accounts to what the provider's groups say, at single sign-on and when the
/// provider changes a group through SCIM: the role of the first of their groups that maps to one (in the order the
/// groups were configured), or the provider's default role.
public sealed class ProviderRoles(PorticoDb db, AuditLog audit, TimeProvider clock)
{
    public static Guid RoleFor(SingleSignOnProvider provider, IReadOnlySet<string> groups) =>
        provider.GroupRoles.FirstOrDefault(g => groups.Contains(g.Group))?.RoleId ?? provider.DefaultRoleId;

    /// The display names of the SCIM groups the provider has the person in.
    public async Task<HashSet<string>> ScimGroupsOfAsync(Guid providerId, Guid userId, CancellationToken ct) =>
        (await db.ScimGroups.Where(g => g.ProviderId == providerId && g.Members.Any(m => m.UserId == userId)).Select(g => g.DisplayName).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);

    /// Locks the provider's accounts in the caller's transaction, always in the same order, before anything about their
    /// memberships or the provider's groups is read: two writers for the same accounts then queue behind each other, and
    /// each decides on what the other committed. Taken before the groups' member rows are written, and before the audit
    /// chain, as every other change of these accounts' members takes the account first.
    public async Task LockAccountsAsync(SingleSignOnProvider provider, CancellationToken ct)
    {
        foreach (var accountId in provider.Accounts.Select(a => a.AccountId).Order())
        {
            await ChangeMembershipRole.LockAccountAsync(db, accountId, ct);
        }
    }

    /// Gives the person the role on each membership they hold in the provider's accounts; an account never loses its last
    /// Owner that way (that membership stays Owner, and the refusal is audited). Adds no membership. Before an Owner's role
    /// is checked, the changes so far are saved in the caller's transaction, so when a group takes several Owners away at
    /// once the check for the next one sees the ones before it demoted. The caller holds the accounts' locks (LockAccountsAsync).
    public async Task ApplyAsync(SingleSignOnProvider provider, Guid userId, Guid roleId, string? actorName, Guid? actorUserId, CancellationToken ct)
    {
        var accountIds = provider.Accounts.Select(a => a.AccountId).ToList();
        var memberships = await db.Memberships.AcrossAccounts().Include(m => m.Role).Include(m => m.User)
            .Where(m => m.UserId == userId && accountIds.Contains(m.AccountId) && m.RoleId != roleId).ToListAsync(ct);
        if (memberships.Count == 0)
        {
            return;
        }
        var role = await db.Roles.SingleAsync(r => r.Id == roleId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var membership in memberships)
        {
            var details = new { user = membership.User.Email, from = membership.Role.Name, to = role.Name, provider = provider.Id };
            // Under the account's lock, held by the caller's transaction until it saves, as every role change takes it.
            if (membership.Role.Name == BuiltInRoles.Owner && !await ChangeMembershipRole.WithOwnersLockedAsync(db, membership.AccountId, async () =>
                {
                    await db.SaveChangesAsync(ct);
                    return await ChangeMembershipRole.HasAnotherOwnerAsync(db, membership, now, ct);
                }, ct))
            {
                audit.Record(AuditActions.SingleSignOnRoleKept, membership.AccountId, "Membership", membership.Id.ToString(), details, actorUserId, actorName);
                continue;
            }
            membership.ChangeRole(role.Id);
            audit.Record(AuditActions.MembershipRoleChanged, membership.AccountId, "Membership", membership.Id.ToString(), details, actorUserId, actorName);
        }
    }
}
