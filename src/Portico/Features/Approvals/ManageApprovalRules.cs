namespace Portico.Features.Approvals;

/// Staff Admins decide which changes wait for approval and who approves them. Changes already waiting keep the
/// approver they were given.
public sealed class ManageApprovalRules(PorticoDb db, AuditLog audit, TimeProvider clock, IStringLocalizer<ManageApprovalRules> text)
{
    /// What is wrong with a rule as given, by field; a form missing its kind or approver still learns the rest.
    public async Task<Dictionary<string, string>> ProblemsAsync(string? kind, string? roleName, ApproverKind? approver, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        if (kind is not null && !ChangeKinds.Descriptions.ContainsKey(kind))
        {
            errors["Kind"] = text["Choose the kind of change from the list."];
        }
        if (approver is { } given && !Enum.IsDefined(given))
        {
            errors["Approver"] = text["Choose who approves from the list."];
        }
        var role = RoleNameFor(kind, roleName);
        if (kind == ChangeKinds.RoleGrant && !await db.Roles.AnyAsync(r => r.Name == role, ct))
        {
            errors["RoleName"] = text["Choose the role this rule is about."];
        }
        return errors;
    }

    /// Adds the rule for this kind of change (and role, for role grants), or changes who approves it.
    public async Task<Outcome> SaveAsync(string kind, string? roleName, ApproverKind approver, CancellationToken ct)
    {
        if (await ProblemsAsync(kind, roleName, approver, ct) is { Count: > 0 } errors)
        {
            return Outcome.Refused(errors.Values.First(), errors);
        }
        roleName = RoleNameFor(kind, roleName);
        var now = clock.GetUtcNow().UtcDateTime;
        var rule = await db.ApprovalRules.SingleOrDefaultAsync(r => r.Kind == kind && r.RoleName == roleName, ct);
        var before = rule?.Approver;
        if (rule is null)
        {
            rule = new ApprovalRule(kind, roleName, approver, now);
            db.ApprovalRules.Add(rule);
        }
        else
        {
            rule.ApprovedBy(approver, now);
        }
        audit.Record(AuditActions.ApprovalRuleSaved, targetType: nameof(ApprovalRule), targetId: rule.Id.ToString(),
            details: new { rule.Kind, rule.RoleName, from = before?.ToString(), to = rule.Approver.ToString() });
        // A new rule saved by two admins at once: the later is not kept, and its admin sees the rules as they now are.
        return await db.SaveUnlessTakenAsync(ct) ? Outcome.Done
            : Outcome.Refused(text["Someone saved a rule for this change at the same moment. Look at the rules again and save once more."]);
    }

    /// Such changes apply at once afterwards.
    public async Task<Outcome> DeleteAsync(Guid ruleId, CancellationToken ct)
    {
        var rule = await db.ApprovalRules.SingleOrDefaultAsync(r => r.Id == ruleId, ct);
        if (rule is null)
        {
            return Outcome.NotFound;
        }
        db.ApprovalRules.Remove(rule);
        audit.Record(AuditActions.ApprovalRuleDeleted, targetType: nameof(ApprovalRule), targetId: rule.Id.ToString(),
            details: new { rule.Kind, rule.RoleName, approver = rule.Approver.ToString() });
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    private static string RoleNameFor(string? kind, string? roleName) => kind == ChangeKinds.RoleGrant ? roleName?.Trim() ?? "" : "";
}
