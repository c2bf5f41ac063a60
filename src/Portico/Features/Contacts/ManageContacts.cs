using System.Net.Mail;

namespace Portico.Features.Contacts;

/// Invites, expiry and removal of an account's people, by an account Owner (or a role with
/// contacts.manage) or by staff. Nobody grants a role with permissions they do not hold
/// themselves, and an account never loses its last Owner.
public sealed class ManageContacts(PorticoDb db, AuditLog audit, Insights.KeyEvents keyEvents, EmailOutbox email, ChangeMembershipRole changeRole, Approvals.ApprovalGate approvals,
    IOptions<BrandingOptions> branding, Branding.Brands brands, ContactWriteBacks writeBacks, TimeProvider clock,
    IStringLocalizer<ManageContacts> text)
{
    public const int MaxInvitationsPerHour = 50;
    public const string AwaitingApproval = "This change needs approval first. You can follow it under Approvals.";

    /// The permissions of the person acting; null for staff, who may grant any role.
    /// UserId is who asks when an approval rule holds the change back.
    public sealed record Actor(string Name, IReadOnlySet<string>? Permissions, Guid? UserId = null);

    /// Sends an invitation, or stores it for approval when a rule covers its role. An approved
    /// invitation comes back here with approved set, checked again against the requester's permissions.
    public async Task<Outcome> InviteAsync(Guid accountId, string? address, Guid roleId, DateOnly? accessUntil, Actor actor, CancellationToken ct,
        bool approved = false)
    {
        var clean = address?.Trim() ?? "";
        if (clean.Length is 0 or > 256 || !MailAddress.TryCreate(clean, out var parsed) || parsed.Address != clean)
        {
            return Outcome.Refused(text["Enter the email address of the person to invite, such as ana@example.com."]);
        }
        var role = await db.Roles.AsNoTracking().SingleOrDefaultAsync(r => r.Id == roleId, ct);
        if (role is null)
        {
            return Outcome.Refused(text["Choose a role."]);
        }
        if (Beyond(actor, role) is { } beyond)
        {
            return await EscalationRefusedAsync(accountId, "invite", "Invitation", null, role.Name, beyond, ct);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        DateTime? until = null;
        if (accessUntil is { } date)
        {
            until = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            if (until <= now)
            {
                return Outcome.Refused(text["Access must end in the future."]);
            }
        }
        var normalized = clean.ToUpperInvariant();
        var alreadyMember = await db.Memberships.AcrossAccounts()
            .AnyAsync(m => m.AccountId == accountId && m.User.NormalizedEmail == normalized && (m.ExpiresAt == null || m.ExpiresAt > now), ct);
        if (alreadyMember)
        {
            return Outcome.Refused(text["{0} already has access to this account.", clean]);
        }
        var recent = await db.Invitations.AcrossAccounts().CountAsync(i => i.AccountId == accountId && i.CreatedAt > now.AddHours(-1), ct);
        if (recent >= MaxInvitationsPerHour)
        {
            return Outcome.Refused(text["At most {0} invitations an hour per account. Try again later.", MaxInvitationsPerHour]);
        }
        if (!approved && actor.UserId is { } requesterId
            && await approvals.RuleForAsync(Approvals.ChangeKinds.RoleGrant, role.Name, ct) is { } rule)
        {
            var held = await approvals.HoldAsync(accountId, rule, "invitation:" + normalized,
                new Approvals.InvitationPayload(clean, role.Id, role.Name, accessUntil),
                new Approvals.Requester(requesterId, actor.Name), ct);
            return held is null ? Outcome.PendingApproval(text[AwaitingApproval]) : Outcome.Refused(text[held]);
        }
        // A new invitation replaces any open one for the same person.
        foreach (var open in await db.Invitations.AcrossAccounts()
                     .Where(i => i.AccountId == accountId && i.NormalizedEmail == normalized && i.AcceptedAt == null && i.RevokedAt == null).ToListAsync(ct))
        {
            open.Revoke(now);
        }
        var (invitation, token) = Invitation.Create(accountId, clean, role.Id, until, actor.Name, now);
        db.Invitations.Add(invitation);
        audit.Record(AuditActions.InvitationCreated, accountId, "Invitation", invitation.Id.ToString(), new { email = clean, role = role.Name, accessUntil = until });
        keyEvents.Record(Insights.KeyEventKind.ContactChanged, accountId);
        await QueueInvitationAsync(accountId, clean, role.Name, token, actor.Name, ct);
        await writeBacks.SendAsync(accountId, ContactWriteBacks.Changes.Invited, $"Invite {clean} as {role.Name}", clean, null, role.Name, until, ct);
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    /// Sends an open invitation again with a new link and a new expiry, also once the old link has expired. Only the
    /// link's hash is kept, so the old link cannot be sent again; it stops working.
    public async Task<Outcome<Invitation>> ResendInvitationAsync(Guid accountId, Guid invitationId, Actor actor, CancellationToken ct)
    {
        var invitation = await db.Invitations.AcrossAccounts().SingleOrDefaultAsync(i => i.Id == invitationId && i.AccountId == accountId, ct);
        if (invitation is null)
        {
            return Outcome.NotFound;
        }
        if (invitation.AcceptedAt is not null || invitation.RevokedAt is not null)
        {
            return Outcome.Refused(invitation.AcceptedAt is not null ? text["This invitation was already accepted."] : text["This invitation was withdrawn; send a new one instead."]);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (await db.Memberships.AcrossAccounts().AnyAsync(m => m.AccountId == accountId && m.User.NormalizedEmail == invitation.NormalizedEmail
                && (m.ExpiresAt == null || m.ExpiresAt > now), ct))
        {
            return Outcome.Refused(text["{0} already has access to this account.", invitation.Email]);
        }
        var role = await db.Roles.Where(r => r.Id == invitation.RoleId).Select(r => r.Name).SingleAsync(ct);
        var wasExpired = invitation.ExpiresAt <= now;
        var token = invitation.Renew(now);
        audit.Record(AuditActions.InvitationResent, accountId, "Invitation", invitation.Id.ToString(),
            new { email = invitation.Email, role, expired = wasExpired, expiresAt = invitation.ExpiresAt });
        await QueueInvitationAsync(accountId, invitation.Email, role, token, actor.Name, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Accepted or withdrawn since it was read (both are concurrency tokens): nothing was sent.
            return Outcome.Refused(text["The invitation was accepted or withdrawn meanwhile; nothing was sent."]);
        }
        return invitation;
    }

    private async Task QueueInvitationAsync(Guid accountId, string address, string role, string token, string invitedBy, CancellationToken ct)
    {
        var accountName = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Name).SingleAsync(ct);
        var portal = (await brands.GetAsync(ct)).PortalName;
        // Someone who already has an account here reads it in the language of their profile. A newcomer has no profile yet:
        // they get the language of whoever invites them (the inviter's page, or the approver's when a rule held the invitation),
        // the best guess at a language the two share.
        var normalized = address.ToUpperInvariant();
        var known = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized).Select(u => new { u.Language }).SingleOrDefaultAsync(ct);
        var language = Languages.Normalize(known is null ? CultureInfo.CurrentUICulture.Name : known.Language);
        email.Queue(address, language, () => (text["{0} invited you to {1} on {2}", invitedBy, accountName, portal], [
            text["Hello,"],
            text["{0} invited you to the {1} account on {2} as {3}.", invitedBy, accountName, portal, role],
            text["Accept within {0} days: {1}", Invitation.Lifetime.TotalDays, branding.Value.Link($"/invitations/{token}")],
            text["If you did not expect this, ignore this email."]]));
    }

    public async Task<Outcome> RevokeInvitationAsync(Guid accountId, Guid invitationId, CancellationToken ct)
    {
        var invitation = await db.Invitations.AcrossAccounts().SingleOrDefaultAsync(i => i.Id == invitationId && i.AccountId == accountId, ct);
        if (invitation is null)
        {
            return Outcome.NotFound;
        }
        invitation.Revoke(clock.GetUtcNow().UtcDateTime);
        audit.Record(AuditActions.InvitationRevoked, accountId, "Invitation", invitation.Id.ToString(), new { invitation.Email });
        keyEvents.Record(Insights.KeyEventKind.ContactChanged, accountId);
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    public Task<Outcome> SetAccessUntilAsync(Guid accountId, Guid membershipId, DateOnly? until, Actor actor, CancellationToken ct) =>
        ChangeMembershipRole.WithOwnersLockedAsync(db, accountId, () => SetAccessUntilLockedAsync(accountId, membershipId, until, actor, ct), ct);

    private async Task<Outcome> SetAccessUntilLockedAsync(Guid accountId, Guid membershipId, DateOnly? until, Actor actor, CancellationToken ct)
    {
        var (membership, refusal) = await WithinReachAsync(accountId, membershipId, actor, "set_expiry", ct);
        if (membership is null)
        {
            return refusal!;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        DateTime? end = until?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        if (end is not null && end <= now)
        {
            return Outcome.Refused(text["Access must end in the future; remove the person to end it now."]);
        }
        if (end is not null && membership.Role.Name == BuiltInRoles.Owner && await IsLastOwnerAsync(membership, now, ct))
        {
            return Outcome.Refused(text["The account's last Owner cannot have an end date. Make someone else Owner first."]);
        }
        var before = membership.ExpiresAt;
        membership.SetExpiry(end);
        audit.Record(AuditActions.MembershipExpiryChanged, accountId, "Membership", membership.Id.ToString(), new { user = membership.User.Email, from = before, to = end });
        keyEvents.Record(Insights.KeyEventKind.ContactChanged, accountId);
        await writeBacks.SendAsync(accountId, ContactWriteBacks.Changes.AccessChanged,
            $"{membership.User.DisplayName}'s access {(until is { } last ? $"until {last:yyyy-MM-dd}" : "without an end date")}",
            membership.User.Email!, membership.User.DisplayName, membership.Role.Name, end, ct);
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    /// The account's member this person may change, or why not: no such member here, or one whose role is above their own
    /// (refused and audited as an attempt).
    private async Task<(Membership? Membership, Outcome? Refusal)> WithinReachAsync(Guid accountId, Guid membershipId, Actor actor, string attempt,
        CancellationToken ct)
    {
        var membership = await db.Memberships.AcrossAccounts().Include(m => m.Role).Include(m => m.User).Include(m => m.Account)
            .SingleOrDefaultAsync(m => m.Id == membershipId && m.AccountId == accountId, ct);
        if (membership is null)
        {
            return (null, Outcome.NotFound);
        }
        return Beyond(actor, membership.Role) is { } beyond
            ? (null, await EscalationRefusedAsync(accountId, attempt, "Membership", membership.Id, membership.Role.Name, beyond, ct))
            : (membership, null);
    }

    public Task<Outcome> RemoveAsync(Guid accountId, Guid membershipId, Actor actor, CancellationToken ct) =>
        ChangeMembershipRole.WithOwnersLockedAsync(db, accountId, () => RemoveLockedAsync(accountId, membershipId, actor, ct), ct);

    private async Task<Outcome> RemoveLockedAsync(Guid accountId, Guid membershipId, Actor actor, CancellationToken ct)
    {
        var (membership, refusal) = await WithinReachAsync(accountId, membershipId, actor, "remove", ct);
        if (membership is null)
        {
            return refusal!;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (membership.Role.Name == BuiltInRoles.Owner && await IsLastOwnerAsync(membership, now, ct))
        {
            return Outcome.Refused(text["The account's last Owner cannot be removed. Make someone else Owner first."]);
        }
        db.Memberships.Remove(membership);
        audit.Record(AuditActions.MembershipRemoved, accountId, "Membership", membership.Id.ToString(), new { user = membership.User.Email, role = membership.Role.Name });
        keyEvents.Record(Insights.KeyEventKind.ContactChanged, accountId);
        await writeBacks.SendAsync(accountId, ContactWriteBacks.Changes.Removed, $"Remove {membership.User.DisplayName} ({membership.User.Email})",
            membership.User.Email!, membership.User.DisplayName, membership.Role.Name, null, ct);
        email.Queue(membership.User.Email!, membership.User.Language, () => (text["Your access to {0} ended", membership.Account.Name], [
            text["Hello {0},", membership.User.DisplayName],
            text["{0} removed your access to {1}.", actor.Name, membership.Account.Name]]));
        // Bumping the security stamp signs the person out everywhere, so the removal takes effect at once.
        membership.User.SecurityStamp = Guid.NewGuid().ToString("N");
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    /// Nobody gives or takes a role with permissions beyond their own; staff may give any.
    public async Task<Outcome> ChangeRoleAsync(Guid accountId, Guid membershipId, Guid roleId, Actor actor, CancellationToken ct)
    {
        var role = await db.Roles.AsNoTracking().SingleOrDefaultAsync(r => r.Id == roleId, ct);
        var member = await db.Memberships.AcrossAccounts().AsNoTracking().Where(m => m.Id == membershipId && m.AccountId == accountId)
            .Select(m => new { m.Role, m.User.DisplayName, m.User.Email }).SingleOrDefaultAsync(ct);
        if (member is null)
        {
            return Outcome.NotFound;
        }
        var current = member.Role;
        if (role is null)
        {
            return Outcome.Refused(text["Choose a role."]);
        }
        if ((Beyond(actor, role) ?? Beyond(actor, current)) is not null)
        {
            var beyondRole = Beyond(actor, role) is not null ? role : current;
            return await EscalationRefusedAsync(accountId, "change_role", "Membership", membershipId, beyondRole.Name,
                text["You cannot give or take the {0} role: it has permissions your own role does not.", beyondRole.Name], ct);
        }
        // A grant by anyone who names themselves (an account member, or staff from the account page) may wait for approval.
        if (actor.UserId is { } requesterId && await approvals.RuleForAsync(Approvals.ChangeKinds.RoleGrant, role.Name, ct) is { } rule)
        {
            if (await changeRole.CheckAsync(accountId, membershipId, roleId, ct) is { } answer)
            {
                return InLanguage(answer);
            }
            var held = await approvals.HoldAsync(accountId, rule, "membership:" + membershipId,
                new Approvals.RoleChangePayload(membershipId, role.Id, role.Name, current.Name, member.DisplayName, member.Email ?? ""),
                new Approvals.Requester(requesterId, actor.Name), ct);
            return held is null ? Outcome.PendingApproval(text[AwaitingApproval]) : Outcome.Refused(text[held]);
        }
        return InLanguage(await changeRole.RunAsync(accountId, membershipId, roleId, ct));
    }

    /// ChangeMembershipRole answers in English, which approvals compare against; the person acting reads it in their language.
    private Outcome InLanguage(Outcome outcome) =>
        outcome is { Kind: OutcomeKind.Refused, Message: { } message } ? Outcome.Refused(text[message], outcome.FieldErrors) : outcome;

    /// An attempt to reach beyond one's own permissions is worth a line in the audit log, not just an error.
    private async Task<Outcome> EscalationRefusedAsync(Guid accountId, string action, string targetType, Guid? targetId, string role, string message, CancellationToken ct)
    {
        audit.Record(AuditActions.ContactChangeRefused, accountId, targetType, targetId?.ToString(), new { action, role, reason = "beyond_own_permissions" });
        await db.SaveChangesAsync(ct);
        return Outcome.Refused(message);
    }

    private async Task<bool> IsLastOwnerAsync(Membership membership, DateTime now, CancellationToken ct) =>
        !await ChangeMembershipRole.HasAnotherOwnerAsync(db, membership, now, ct);

    private string? Beyond(Actor actor, Role role) =>
        actor.Permissions is { } held && role.Permissions.Any(p => !held.Contains(p))
            ? text["You cannot manage people in the {0} role: it has permissions your own role does not.", role.Name].Value
            : null;
}
