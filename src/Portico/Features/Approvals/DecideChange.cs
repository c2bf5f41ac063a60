using Portico.Features.Contacts;

namespace Portico.Features.Approvals;

/// Who is deciding: a customer (an Owner of the account in the route, or not) or a staff member.
public sealed record Decider(Guid UserId, string Name, StaffRole? StaffRole, bool IsAccountOwner);

/// Approves, rejects or withdraws a pending change. Approval re-checks the change and applies it in the
/// same save as the decision; anyone not allowed to decide is refused and the attempt is audited.
public sealed class DecideChange(PorticoDb db, AuditLog audit, Insights.KeyEvents keyEvents, EmailOutbox email, ChangeMembershipRole changeRole, ManageContacts contacts,
    ChangeCompanyAddress changeAddress, IOptions<BrandingOptions> branding, TimeProvider clock, ChangeSummaries summaries,
    IStringLocalizer<DecideChange> text)
{
    public static bool MayDecide(Guid requestedById, ApproverKind approver, Guid? accountManagerId, Decider who) =>
        requestedById != who.UserId && approver switch
        {
            ApproverKind.AccountOwner => who.IsAccountOwner,
            ApproverKind.StaffAdmin => who.StaffRole == StaffRole.Admin,
            _ => accountManagerId is { } manager ? who.UserId == manager : who.StaffRole == StaffRole.Admin,
        };

    public Task<Outcome> ApproveAsync(Guid changeId, Decider who, string? reason, CancellationToken ct) => DecideAsync(changeId, who, reason, approve: true, ct);

    public Task<Outcome> RejectAsync(Guid changeId, Decider who, string? reason, CancellationToken ct) => DecideAsync(changeId, who, reason, approve: false, ct);

    public async Task<Outcome> WithdrawAsync(Guid changeId, Decider who, CancellationToken ct)
    {
        var change = await db.ChangeRequests.SingleOrDefaultAsync(c => c.Id == changeId, ct);
        if (change is null)
        {
            return await RefuseAsync(changeId.ToString(), null, "withdraw", "not_found", who, Outcome.NotFound, ct);
        }
        if (change.RequestedById != who.UserId)
        {
            return await RefuseAsync(change.Id.ToString(), change.AccountId, "withdraw", "not_the_requester", who, Outcome.Forbidden(text["You may not decide this change."]), ct);
        }
        if (change.Status != ChangeStatus.Pending)
        {
            return Outcome.Refused(AlreadyDecided(change.Status));
        }
        change.Withdraw(who.UserId, who.Name, clock.GetUtcNow().UtcDateTime);
        audit.Record(AuditActions.ApprovalWithdrawn, change.AccountId, nameof(ChangeRequest), change.Id.ToString(), new { change.Summary });
        return await SaveAsync(ct);
    }

    private async Task<Outcome> DecideAsync(Guid changeId, Decider who, string? reason, bool approve, CancellationToken ct)
    {
        var verb = approve ? "approve" : "reject";
        // The global filter limits customers to the account in the route; staff read across accounts.
        var change = await db.ChangeRequests.SingleOrDefaultAsync(c => c.Id == changeId, ct);
        if (change is null)
        {
            return await RefuseAsync(changeId.ToString(), null, verb, "not_found", who, Outcome.NotFound, ct);
        }
        var account = await db.Accounts.SingleAsync(a => a.Id == change.AccountId, ct);
        if (!MayDecide(change.RequestedById, change.Approver, account.AccountManagerId, who))
        {
            var why = change.RequestedById == who.UserId ? "own_request" : "not_an_approver";
            return await RefuseAsync(change.Id.ToString(), change.AccountId, verb, why, who, Outcome.Forbidden(text["You may not decide this change."]), ct);
        }
        if (change.Status != ChangeStatus.Pending)
        {
            return Outcome.Refused(AlreadyDecided(change.Status));
        }
        var cleanReason = reason?.Trim() ?? "";
        if (cleanReason.Length == 0)
        {
            return Outcome.Refused(approve ? text["Give a reason for approving."] : text["Give a reason for rejecting."]);
        }
        if (cleanReason.Length > ChangeRequest.ReasonMaxLength)
        {
            return Outcome.Refused(text["Keep the reason under {0} characters.", ChangeRequest.ReasonMaxLength]);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (approve)
        {
            change.Approve(who.UserId, who.Name, cleanReason, now);
        }
        else
        {
            change.Reject(who.UserId, who.Name, cleanReason, now);
        }
        audit.Record(approve ? AuditActions.ApprovalApproved : AuditActions.ApprovalRejected, change.AccountId, nameof(ChangeRequest), change.Id.ToString(),
            new { change.Summary, reason = cleanReason });
        keyEvents.Record(Insights.KeyEventKind.ApprovalDecided, change.AccountId, who.UserId);
        await TellRequesterAsync(change, account, approve, cleanReason, ct);
        if (!approve)
        {
            return await SaveAsync(ct);
        }
        try
        {
            var problem = await ApplyAsync(change, account, ct);
            if (problem is not null)
            {
                // Nothing of the decision is kept: the approver sees why and may reject instead.
                db.ChangeTracker.Clear();
                return Outcome.Refused(problem);
            }
            return Outcome.Done;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Outcome.Refused(text["Someone else decided this change a moment ago."]);
        }
    }

    private string AlreadyDecided(ChangeStatus status) => status switch
    {
        ChangeStatus.Approved => text["This change was already approved."],
        ChangeStatus.Rejected => text["This change was already rejected."],
        _ => text["This change was already withdrawn."],
    };

    /// Applies an approved change and saves it with the decision, or says why it no longer applies.
    private async Task<string?> ApplyAsync(ChangeRequest change, Account account, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var held = await db.Memberships.AcrossAccounts().AsNoTracking()
            .Where(m => m.AccountId == change.AccountId && m.UserId == change.RequestedById && (m.ExpiresAt == null || m.ExpiresAt > now))
            .Select(m => m.Role.Permissions).SingleOrDefaultAsync(ct);
        var requesterPermissions = held?.ToHashSet();
        string requesterLostAccess = text["The person who asked no longer has permission to make this change. Reject it instead."];
        switch (change.Type)
        {
            case ChangeTypes.RoleChange:
            {
                var payload = change.Read<RoleChangePayload>();
                var current = await db.Memberships.AcrossAccounts().AsNoTracking().Where(m => m.Id == payload.MembershipId && m.AccountId == change.AccountId)
                    .Select(m => m.Role).SingleOrDefaultAsync(ct);
                var target = await db.Roles.AsNoTracking().SingleOrDefaultAsync(r => r.Id == payload.RoleId, ct);
                if (current is null || target is null)
                {
                    return text["The person no longer has access to the account, or the role no longer exists. Reject the change instead."];
                }
                if (requesterPermissions is null || !requesterPermissions.Contains(Permissions.ContactsManage)
                    || ChangeMembershipRole.Beyond(requesterPermissions, current, target) is not null)
                {
                    return requesterLostAccess;
                }
                var changed = await changeRole.RunAsync(change.AccountId, payload.MembershipId, payload.RoleId, ct, refuseUnchanged: true);
                return changed.Kind switch
                {
                    OutcomeKind.Done => null,
                    OutcomeKind.Refused when changed.Message == ChangeMembershipRole.UnchangedRefusal => text["The person already has this role. Reject the change instead."].Value,
                    OutcomeKind.Refused when changed.Message == ChangeMembershipRole.LastOwnerRefusal => text["This would leave the account without an Owner. Reject the change instead."].Value,
                    _ => text["The person no longer has access to the account, or the role no longer exists. Reject the change instead."].Value,
                };
            }
            case ChangeTypes.Invitation:
            {
                var payload = change.Read<InvitationPayload>();
                if (requesterPermissions is null || !requesterPermissions.Contains(Permissions.ContactsManage))
                {
                    return requesterLostAccess;
                }
                var outcome = await contacts.InviteAsync(change.AccountId, payload.Email, payload.RoleId, payload.AccessUntil,
                    new ManageContacts.Actor(change.RequestedByName, requesterPermissions, change.RequestedById), ct, approved: true);
                return outcome.Succeeded ? null : outcome.Message ?? text["The invitation can no longer be sent. Reject the change instead."];
            }
            case ChangeTypes.Address:
            {
                if (requesterPermissions is null || !requesterPermissions.Contains(Permissions.AccountManage))
                {
                    return requesterLostAccess;
                }
                var payload = change.Read<AddressPayload>();
                await changeAddress.ApplyAsync(account, new CompanyAddress(payload.Lines, payload.City, payload.PostalCode, payload.Country), change.Id, ct);
                await db.SaveChangesAsync(ct);
                return null;
            }
            default:
                throw new InvalidOperationException($"Unknown change type {change.Type}.");
        }
    }

    private async Task TellRequesterAsync(ChangeRequest change, Account account, bool approved, string reason, CancellationToken ct)
    {
        var to = await db.Users.AsNoTracking().Where(u => u.Id == change.RequestedById).Select(u => new { u.Email, u.Language }).SingleOrDefaultAsync(ct);
        if (string.IsNullOrEmpty(to?.Email))
        {
            return;
        }
        // In the requester's language, not the decider's.
        email.Queue(to.Email, to.Language, () =>
        {
            var what = summaries.Describe(change.Type, change.Payload);
            return (approved ? text["Your change at {0} was approved", account.Name] : text["Your change at {0} was rejected", account.Name], [
                text["Hello {0},", change.RequestedByName],
                approved ? text["{0} approved your change: {1}.", change.DecidedByName ?? "", what] : text["{0} rejected your change: {1}.", change.DecidedByName ?? "", what],
                text["Reason: {0}", reason],
                text["See it at {0}", branding.Value.Link($"/a/{account.Id}/approvals")]]);
        });
    }

    private async Task<Outcome> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return Outcome.Done;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Outcome.Refused(text["Someone else decided this change a moment ago."]);
        }
    }

    private async Task<Outcome> RefuseAsync(string targetId, Guid? accountId, string attempted, string why, Decider who, Outcome answer, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        audit.Record(AuditActions.ApprovalRefused, accountId, nameof(ChangeRequest), targetId.Length > 100 ? targetId[..100] : targetId,
            new { attempted, reason = why, staffRole = who.StaffRole?.ToString() });
        await db.SaveChangesAsync(ct);
        return answer;
    }
}
