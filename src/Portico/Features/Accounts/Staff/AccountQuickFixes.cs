using Portico.Features.Contacts;

namespace Portico.Features.Accounts.Staff;

/// The fixes a staff Admin makes from an account's page for one of its people. Each id must belong to that account:
/// a person, membership or invitation of another account answers NotFound and nothing changes.
public sealed class AccountQuickFixes(PorticoDb db, ManageContacts contacts, DatabaseTicketStore sessions, AuditLog audit, TimeProvider clock,
    IStringLocalizer<AccountQuickFixes> text)
{
    public const string StaffNotHere = "Staff members' sign-in is not changed from an account's page.";

    public Task<Outcome<Invitation>> ResendInvitationAsync(Guid accountId, Guid invitationId, ManageContacts.Actor actor, CancellationToken ct) =>
        contacts.ResendInvitationAsync(accountId, invitationId, actor, ct);

    /// Goes the way an Owner's change goes: where an approval rule covers the new role it waits for approval,
    /// asked for by the staff member, and the account's last Owner keeps the role.
    public Task<Outcome> ChangeRoleAsync(Guid accountId, Guid membershipId, Guid roleId, ManageContacts.Actor actor, CancellationToken ct) =>
        contacts.ChangeRoleAsync(accountId, membershipId, roleId, actor, ct);

    /// Lifts a lockout from too many failed sign-ins, and starts the failed-attempt count afresh.
    public Task<Outcome<PorticoUser>> UnlockAsync(Guid accountId, Guid userId, CancellationToken ct) => ForPersonAsync(accountId, userId, async person =>
    {
        var now = clock.GetUtcNow();
        if (person.LockoutEnd is not { } until || until <= now)
        {
            return Outcome.Refused(text["{0} is not locked out.", person.DisplayName]);
        }
        person.LockoutEnd = null;
        person.AccessFailedCount = 0;
        audit.Record(AuditActions.Unlocked, accountId, "User", person.Id.ToString(), new { user = person.Email, wasLockedUntil = until });
        await db.SaveChangesAsync(ct);
        return person;
    }, ct);

    /// Signs the person out of every browser at once: each session is ended and a new security stamp makes any
    /// cookie issued before fail its next check.
    public Task<Outcome<PorticoUser>> EndSessionsAsync(Guid accountId, Guid userId, CancellationToken ct) => ForPersonAsync(accountId, userId, async person =>
    {
        var ended = await db.UserSessions.Where(s => s.UserId == person.Id && s.RevokedAt == null).ToListAsync(ct);
        sessions.End(ended);
        person.SecurityStamp = Guid.NewGuid().ToString("N");
        audit.Record(AuditActions.SessionsEnded, accountId, "User", person.Id.ToString(), new { user = person.Email, count = ended.Count, by = "staff" });
        await db.SaveChangesAsync(ct);
        sessions.Forget(ended);
        return person;
    }, ct);

    /// Runs the fix on a member of the account, tracked for the change; anyone else is NotFound.
    private async Task<Outcome<PorticoUser>> ForPersonAsync(Guid accountId, Guid userId, Func<PorticoUser, Task<Outcome<PorticoUser>>> fix, CancellationToken ct)
    {
        var person = await db.Users.SingleOrDefaultAsync(u => u.Id == userId
            && db.Memberships.AcrossAccounts().Any(m => m.AccountId == accountId && m.UserId == u.Id), ct);
        return person is null ? Outcome.NotFound
            : person.IsStaff ? Outcome.Refused(text[StaffNotHere])
            : await fix(person);
    }
}
