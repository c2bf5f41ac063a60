namespace Portico.Features.Contacts;

public sealed record InvitationRow(Guid Id, string Email, string Role, DateTime ExpiresAt, string InvitedBy);

public sealed record ContactRow(Guid MembershipId, Guid UserId, string Name, string Email, string Role, DateTime? ExpiresAt, bool Expired);

/// The people of the active account; the account comes from the verified context, never from input.
public sealed class ListContacts(PorticoDb db, TimeProvider clock)
{
    public async Task<IReadOnlyList<ContactRow>> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Memberships.AsNoTracking()
            .OrderBy(m => m.User.DisplayName)
            .Select(m => new ContactRow(m.Id, m.UserId, m.User.DisplayName, m.User.Email ?? "", m.Role.Name, m.ExpiresAt,
                m.ExpiresAt != null && m.ExpiresAt <= now))
            .ToListAsync(cancellationToken);
    }

    /// Invitations of the account still waiting for an answer; the account id is explicit so staff pages can use it too.
    public async Task<IReadOnlyList<InvitationRow>> OpenInvitationsAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Invitations.AsNoTracking().Where(i => i.AccountId == accountId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .Join(db.Roles, i => i.RoleId, r => r.Id, (i, r) => new InvitationRow(i.Id, i.Email, r.Name, i.ExpiresAt, i.InvitedByName))
            .ToListAsync(cancellationToken);
    }
}
