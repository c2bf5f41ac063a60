namespace Portico.Features.Accounts.Staff;

/// A member as staff see them: access, and how their sign-in stands.
public sealed record PersonRow(Guid MembershipId, Guid UserId, string Name, string Email, string Role, DateTime? ExpiresAt, bool Expired,
    DateTime? LastSignInAt, bool TwoFactorOn, int Passkeys, DateTimeOffset? LockedOutUntil)
{
    public bool LockedOut(DateTimeOffset now) => LockedOutUntil is { } until && until > now;
}

/// An invitation nobody accepted or withdrew, also after its link expired, so it can be sent again.
public sealed record PendingInvitation(Guid Id, string Email, string Role, DateTime ExpiresAt, bool Expired, string InvitedBy);

public sealed class AccountPeople(PorticoDb db, TimeProvider clock)
{
    /// The last sign-in is the newest session's start: every sign-in opens one (see DatabaseTicketStore).
    public async Task<IReadOnlyList<PersonRow>> MembersAsync(Guid accountId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Memberships.AsNoTracking().AcrossAccounts().Where(m => m.AccountId == accountId).OrderBy(m => m.User.DisplayName)
            .Select(m => new PersonRow(m.Id, m.UserId, m.User.DisplayName, m.User.Email ?? "", m.Role.Name, m.ExpiresAt, m.ExpiresAt != null && m.ExpiresAt <= now,
                db.UserSessions.Where(s => s.UserId == m.UserId).Max(s => (DateTime?)s.CreatedAt),
                m.User.TwoFactorEnabled,
                db.UserPasskeys.Count(p => p.UserId == m.UserId),
                m.User.LockoutEnd))
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<PendingInvitation>> InvitationsAsync(Guid accountId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Invitations.AsNoTracking().AcrossAccounts().Where(i => i.AccountId == accountId && i.AcceptedAt == null && i.RevokedAt == null)
            .OrderByDescending(i => i.ExpiresAt).Take(100)
            .Join(db.Roles, i => i.RoleId, r => r.Id, (i, r) => new PendingInvitation(i.Id, i.Email, r.Name, i.ExpiresAt, i.ExpiresAt <= now, i.InvitedByName))
            .ToListAsync(ct);
    }
}
