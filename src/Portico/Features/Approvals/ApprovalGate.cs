namespace Portico.Features.Approvals;

/// The person asking for a change.
public sealed record Requester(Guid UserId, string Name);

/// Decides whether a change waits for approval, and stores it as pending when it does.
public sealed class ApprovalGate(PorticoDb db, AuditLog audit, EmailOutbox email, IOptions<BrandingOptions> branding, TimeProvider clock,
    ChangeSummaries summaries, IStringLocalizer<ApprovalGate> text)
{
    public Task<ApprovalRule?> RuleForAsync(string kind, string? roleName, CancellationToken ct)
    {
        var role = kind == ChangeKinds.RoleGrant ? roleName ?? "" : "";
        return db.ApprovalRules.AsNoTracking().SingleOrDefaultAsync(r => r.Kind == kind && r.RoleName == role, ct);
    }

    /// Saves the change as pending and applies nothing. Returns an error when the same thing already waits.
    public async Task<string?> HoldAsync(Guid accountId, ApprovalRule rule, string subject, object payload,
        Requester requester, CancellationToken ct)
    {
        var open = await db.ChangeRequests.AcrossAccounts()
            .AnyAsync(c => c.AccountId == accountId && c.Subject == subject && c.Status == ChangeStatus.Pending, ct);
        if (open)
        {
            return AlreadyWaiting;
        }
        var approver = rule.Approver;
        var now = clock.GetUtcNow().UtcDateTime;
        var otherOwners = approver == ApproverKind.AccountOwner ? await OtherOwnerAddressesAsync(accountId, requester.UserId, now, ct) : [];
        // An account with one Owner has nobody else to ask: its account manager decides instead.
        if (approver == ApproverKind.AccountOwner && otherOwners.Count == 0)
        {
            approver = ApproverKind.AccountManager;
        }
        var change = new ChangeRequest(accountId, rule.Kind, subject, summaries.InEnglish(payload), payload, approver,
            requester.UserId, requester.Name, now);
        db.ChangeRequests.Add(change);
        audit.Record(AuditActions.ApprovalRequested, accountId, nameof(ChangeRequest), change.Id.ToString(),
            new { change.Type, change.Summary, approver = approver.ToString(), payload });
        var accountName = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Name).SingleAsync(ct);
        var (addresses, link) = approver == ApproverKind.AccountOwner
            ? (otherOwners, $"/a/{accountId}/approvals")
            : (await StaffApproverAddressesAsync(accountId, approver, ct), "/staff/approvals");
        foreach (var (to, language) in addresses)
        {
            email.Queue(to, language, () => (text["A change at {0} is waiting for your approval", accountName], [
                text["Hello,"],
                text["{0} asked to make this change at {1}: {2}.", requester.Name, accountName, summaries.Describe(payload)],
                text["Approve or reject it with a reason: {0}", branding.Value.Link(link)]]));
        }
        // The same change asked for at once, and the other ask saved first: nothing of this one is kept, its mail neither.
        return await db.SaveUnlessTakenAsync(ct) ? null : AlreadyWaiting;
    }

    private const string AlreadyWaiting = "A change of this is already waiting for approval. Withdraw it or wait for the decision first.";

    /// Each address with its person's language.
    private async Task<List<(string Email, string? Language)>> OtherOwnerAddressesAsync(Guid accountId, Guid requesterId, DateTime now, CancellationToken ct) =>
        (await db.Memberships.AcrossAccounts()
            .Where(m => m.AccountId == accountId && m.UserId != requesterId && m.Role.Name == BuiltInRoles.Owner && (m.ExpiresAt == null || m.ExpiresAt > now))
            .Select(m => new { m.User.Email, m.User.Language }).ToListAsync(ct)).Select(o => (o.Email!, o.Language)).ToList();

    /// The account manager's address when the change is theirs to decide.
    private async Task<List<(string Email, string? Language)>> StaffApproverAddressesAsync(Guid accountId, ApproverKind approver, CancellationToken ct)
    {
        var managerId = approver == ApproverKind.AccountManager
            ? await db.Accounts.Where(a => a.Id == accountId).Select(a => a.AccountManagerId).SingleAsync(ct)
            : null;
        // Staff admins as a group work from the approvals queue and the console count rather than a mail to each.
        return (await db.Users.Where(u => managerId != null && u.Id == managerId && u.StaffRole != null).Select(u => new { u.Email, u.Language }).ToListAsync(ct))
            .Select(u => (u.Email!, u.Language)).ToList();
    }
}
