namespace Portico.Features.Notifications;

/// Language: the one chosen on the person's profile, for the email's words; null is English.
public sealed record Recipient(Guid Id, string Email, string Name, string? Language = null);

/// Who gets an email: people picked by a query, minus those who turned that kind of email off.
public sealed class Recipients(PorticoDb db, TimeProvider clock)
{
    public async Task<List<Recipient>> WhoWantAsync(Func<IQueryable<PorticoUser>, IQueryable<PorticoUser>> who, Func<NotificationPreferences, bool> wants, CancellationToken ct)
    {
        var people = await who(db.Users.AsNoTracking())
            .Where(u => u.Email != null)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.Language })
            .ToListAsync(ct);
        var ids = people.Select(p => p.Id).ToList();
        var preferences = await db.NotificationPreferences.AsNoTracking().Where(p => ids.Contains(p.UserId)).ToDictionaryAsync(p => p.UserId, ct);
        return people
            .Where(p => !preferences.TryGetValue(p.Id, out var pref) || wants(pref))
            .Select(p => new Recipient(p.Id, p.Email!, p.DisplayName, p.Language))
            .ToList();
    }

    public Task<List<Recipient>> StaffWhoWantAsync(Guid? onlyThisPerson, Func<NotificationPreferences, bool> wants, CancellationToken ct) =>
        WhoWantAsync(q => onlyThisPerson is { } id
            ? q.Where(u => u.Id == id)
            : q.Where(u => u.StaffRole == StaffRole.Agent || u.StaffRole == StaffRole.Admin), wants, ct);

    /// Active members of an account whose role grants the permission and, when given, is one of the roles.
    public Task<List<Recipient>> MembersWhoWantAsync(Guid accountId, string permission, IReadOnlyCollection<string>? roles,
        Func<NotificationPreferences, bool> wants, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var members = db.Memberships.AcrossAccounts()
            .Where(m => m.AccountId == accountId && (m.ExpiresAt == null || m.ExpiresAt > now) && m.Role.Permissions.Contains(permission));
        if (roles is { Count: > 0 })
        {
            members = members.Where(m => roles.Contains(m.Role.Name));
        }
        return WhoWantAsync(q => q.Where(u => members.Any(m => m.UserId == u.Id)), wants, ct);
    }
}
