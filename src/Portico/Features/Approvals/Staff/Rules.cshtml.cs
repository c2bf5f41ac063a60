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
public sealed class RulesModel(PorticoDb db, ManageApprovalRules rules, IStringLocalizer<RulesModel> text) : PageModel
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
        IReadOnlyDictionary<string, string>? problems;
        if (ModelState.IsValid)
        {
            var outcome = await rules.SaveAsync(Form.Kind!, Form.RoleName, Form.Approver!.Value, ct);
            if (outcome.Succeeded)
            {
                Notice = text["Rule saved. Changes already waiting keep the approver they were given."];
                return RedirectToPage();
            }
            problems = outcome.FieldErrors;
        }
        else
        {
            // An incomplete form still learns what else is wrong with it.
            problems = await rules.ProblemsAsync(Form.Kind, Form.RoleName, Form.Approver, ct);
        }
        // Errors show next to their fields and the page lists them all, so a refusal's message is not added again.
        foreach (var (field, error) in problems ?? new Dictionary<string, string>())
        {
            ModelState.AddModelError($"{nameof(Form)}.{field}", error);
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid ruleId, CancellationToken ct)
    {
        if (!(await rules.DeleteAsync(ruleId, ct)).Succeeded)
        {
            return NotFound();
        }
        Notice = text["Rule removed. Such changes now apply at once."];
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Rules = await db.ApprovalRules.AsNoTracking().OrderBy(r => r.Kind).ThenBy(r => r.RoleName).ToListAsync(ct);
        RoleNames = await db.Roles.AsNoTracking().OrderBy(r => r.Name).Select(r => r.Name).ToListAsync(ct);
    }
}
