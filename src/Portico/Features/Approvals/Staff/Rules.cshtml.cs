using Portico.Features.Audit;

namespace Portico.Features.Approvals.Staff;

public sealed class RuleForm
{
    [Required(ErrorMessage = "Choose the kind of change.")]
    public string? Kind { get; set; }

    public string? RoleName { get; set; }

    [Required(ErrorMessage = "Choose who approves.")]
    public ApproverKind? Approver { get; set; }
}

/// Staff admins decide which changes wait for approval and who approves them.
[Authorize(Policy = Policies.StaffAdmin)]
public sealed class RulesModel(PorticoDb db, AuditLog audit, TimeProvider clock) : PageModel
{
    public IReadOnlyList<ApprovalRule> Rules { get; private set; } = [];
    public IReadOnlyList<string> RoleNames { get; private set; } = [];

    [BindProperty]
    public RuleForm Form { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Form.Kind is { } kind && !ChangeKinds.Descriptions.ContainsKey(kind))
        {
            ModelState.AddModelError("Form.Kind", "Choose the kind of change from the list.");
        }
        if (Form.Approver is { } approver && !Enum.IsDefined(approver))
        {
            ModelState.AddModelError("Form.Approver", "Choose who approves from the list.");
        }
        var roleName = Form.Kind == ChangeKinds.RoleGrant ? Form.RoleName?.Trim() ?? "" : "";
        if (Form.Kind == ChangeKinds.RoleGrant && !await db.Roles.AnyAsync(r => r.Name == roleName, ct))
        {
            ModelState.AddModelError("Form.RoleName", "Choose the role this rule is about.");
        }
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(ct);
            return Page();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var rule = await db.ApprovalRules.SingleOrDefaultAsync(r => r.Kind == Form.Kind && r.RoleName == roleName, ct);
        var before = rule?.Approver;
        if (rule is null)
        {
            rule = new ApprovalRule(Form.Kind!, roleName, Form.Approver!.Value, now);
            db.ApprovalRules.Add(rule);
        }
        else
        {
            rule.ApprovedBy(Form.Approver!.Value, now);
        }
        audit.Record(AuditActions.ApprovalRuleSaved, targetType: nameof(ApprovalRule), targetId: rule.Id.ToString(),
            details: new { rule.Kind, rule.RoleName, from = before?.ToString(), to = rule.Approver.ToString() });
        await db.SaveChangesAsync(ct);
        Notice = "Rule saved. Changes already waiting keep the approver they were given.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid ruleId, CancellationToken ct)
    {
        var rule = await db.ApprovalRules.SingleOrDefaultAsync(r => r.Id == ruleId, ct);
        if (rule is null)
        {
            return NotFound();
        }
        db.ApprovalRules.Remove(rule);
        audit.Record(AuditActions.ApprovalRuleDeleted, targetType: nameof(ApprovalRule), targetId: rule.Id.ToString(),
            details: new { rule.Kind, rule.RoleName, approver = rule.Approver.ToString() });
        await db.SaveChangesAsync(ct);
        Notice = "Rule removed. Such changes now apply at once.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Rules = await db.ApprovalRules.AsNoTracking().OrderBy(r => r.Kind).ThenBy(r => r.RoleName).ToListAsync(ct);
        RoleNames = await db.Roles.AsNoTracking().OrderBy(r => r.Name).Select(r => r.Name).ToListAsync(ct);
    }
}
