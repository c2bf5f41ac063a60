namespace Portico.Features.Staff;

/// A staff member as the team page shows them.
public sealed record StaffMemberRow(Guid Id, string Name, string Email, StaffRole Role, bool HasPassword, DateTime? LastSignInAt, bool TwoFactorOn,
    int Passkeys);

/// Staff Admins add Agents, Finance and other Admins, change their role or take their staff access away. The portal
/// always keeps an Admin, and nobody changes their own role, so an Admin cannot lock the team out by mistake.
public sealed class StaffTeam(PorticoDb db, StaffSetup setup, DatabaseTicketStore sessions, AuditLog audit, IStringLocalizer<StaffTeam> text)
{
    public const string KeepOneAdmin = "The portal needs at least one staff Admin: make someone else Admin first.";
    public const string NotYourself = "You cannot change your own staff role; ask another Admin.";

    public async Task<IReadOnlyList<StaffMemberRow>> ListAsync(CancellationToken ct) =>
        await db.Users.AsNoTracking().Where(u => u.StaffRole != null).OrderBy(u => u.StaffRole).ThenBy(u => u.DisplayName)
            .Select(u => new StaffMemberRow(u.Id, u.DisplayName, u.Email ?? "", u.StaffRole!.Value, u.PasswordHash != null,
                db.UserSessions.Where(s => s.UserId == u.Id).Max(s => (DateTime?)s.CreatedAt), u.TwoFactorEnabled,
                db.UserPasskeys.Count(p => p.UserId == u.Id)))
            .ToListAsync(ct);

    /// The new member gets an email with a single-use link to choose a password.
    public async Task<Outcome<PorticoUser>> AddAsync(string? email, string? name, StaffRole? role, CancellationToken ct)
    {
        if (role is not { } chosen || !Enum.IsDefined(chosen))
        {
            return Outcome.Refused(text["Choose the staff role: Agent, Finance or Admin."], new Dictionary<string, string> { ["role"] = text["Choose a role."] });
        }
        var (member, _, problem) = await setup.CreateStaffAsync(email, name, chosen, "console", ct);
        return member is null ? Outcome.Refused(problem!) : member;
    }

    /// A new role, or none to take staff access away. The person's sessions end, so the next page they open asks them
    /// to sign in again and they work with the new role from then on.
    public async Task<Outcome<PorticoUser>> ChangeRoleAsync(Guid userId, StaffRole? role, Guid actorId, CancellationToken ct)
    {
        if (role is { } chosen && !Enum.IsDefined(chosen))
        {
            return Outcome.Refused(text["Choose Agent, Finance, Admin or no staff access."]);
        }
        if (userId == actorId)
        {
            return Outcome.Refused(text[NotYourself]);
        }
        // Two Admins demoting each other at once must not leave the portal without one: the Admins are read under a lock.
        var ended = new List<UserSession>();
        var outcome = await db.WithRowLockedAsync<Outcome<PorticoUser>>(
            () => db.Users.Where(u => u.StaffRole == StaffRole.Admin).ExecuteUpdateAsync(s => s.SetProperty(u => u.StaffRole, u => u.StaffRole), ct),
            async () =>
            {
                var member = await db.Users.SingleOrDefaultAsync(u => u.Id == userId && u.StaffRole != null, ct);
                if (member is null)
                {
                    return Outcome.NotFound;
                }
                var before = member.StaffRole;
                if (before == role)
                {
                    return Outcome.Refused(text["{0} already has that role.", member.DisplayName]);
                }
                if (before == StaffRole.Admin && !await db.Users.AnyAsync(u => u.StaffRole == StaffRole.Admin && u.Id != member.Id, ct))
                {
                    return Outcome.Refused(text[KeepOneAdmin]);
                }
                member.StaffRole = role;
                member.SecurityStamp = Guid.NewGuid().ToString("N");
                ended.AddRange(await db.UserSessions.Where(s => s.UserId == member.Id && s.RevokedAt == null).ToListAsync(ct));
                sessions.End(ended);
                audit.Record(AuditActions.StaffRoleChanged, targetType: "User", targetId: member.Id.ToString(),
                    details: new { email = member.Email, from = before?.ToString(), to = role?.ToString() ?? "none", sessionsEnded = ended.Count });
                await db.SaveChangesAsync(ct);
                return member;
            },
            result => result.Succeeded, ct);
        // Cached tickets go only once the revocation is committed, or a request in between would cache them again.
        if (outcome.Succeeded)
        {
            sessions.Forget(ended);
        }
        return outcome;
    }
}
