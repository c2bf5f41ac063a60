using Microsoft.EntityFrameworkCore;
using Portico.Features.Audit;
using Portico.Infrastructure.Data;

namespace Portico.Features.Approvals;

/// The person asking for a change.
public sealed record Requester(Guid UserId, string Name);

/// Decides whether a change waits for approval, and stores it as pending when it does.
public sealed class ApprovalGate(PorticoDb db, AuditLog audit, TimeProvider clock)
{
    public Task<ApprovalRule?> RuleForAsync(string kind, string? roleName, CancellationToken ct)
    {
        var role = kind == ChangeKinds.RoleGrant ? roleName ?? "" : "";
        return db.ApprovalRules.AsNoTracking().SingleOrDefaultAsync(r => r.Kind == kind && r.RoleName == role, ct);
    }

    /// Saves the change as pending and applies nothing. Returns an error when the same thing already waits.
    public async Task<string?> HoldAsync(Guid accountId, ApprovalRule rule, string type, string subject, string summary, object payload,
        Requester requester, CancellationToken ct)
    {
        var open = await db.ChangeRequests.IgnoreQueryFilters()
            .AnyAsync(c => c.AccountId == accountId && c.Subject == subject && c.Status == ChangeStatus.Pending, ct);
        if (open)
        {
            return "A change of this is already waiting for approval. Withdraw it or wait for the decision first.";
        }
        var change = new ChangeRequest(accountId, type, rule.Kind, subject, summary, payload, rule.Approver,
            requester.UserId, requester.Name, clock.GetUtcNow().UtcDateTime);
        db.ChangeRequests.Add(change);
        audit.Record(AuditActions.ApprovalRequested, accountId, nameof(ChangeRequest), change.Id.ToString(),
            new { change.Type, change.Summary, approver = rule.Approver.ToString(), payload });
        await db.SaveChangesAsync(ct);
        return null;
    }
}
