using Portico.Features.Accounts;
using Portico.Features.Audit;

namespace Portico.Features.Accounts.Staff;

public sealed record RoleRow(Guid Id, string Name, string Description, bool IsBuiltIn, IReadOnlyList<string> Permissions);

/// Custom roles are sets of catalogue permissions; built-in roles are shown but fixed.
[Authorize(Policy = Policies.StaffAdmin)]
public sealed class RolesModel(PorticoDb db, AuditLog audit) : PageModel
{
    public IReadOnlyList<RoleRow> Roles { get; private set; } = [];

    [BindProperty]
    public NewRoleForm Form { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var unknown = Form.Permissions.Where(p => !Permissions.All.Contains(p)).ToList();
        if (unknown.Count > 0)
        {
            ModelState.AddModelError("Form.Permissions", "Choose permissions from the list.");
        }
        if (ModelState.IsValid && await db.Roles.AnyAsync(r => r.Name == Form.Name.Trim(), cancellationToken))
        {
            ModelState.AddModelError("Form.Name", "A role with this name already exists.");
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(cancellationToken);
            return Page();
        }
        var role = new Role(Form.Name.Trim(), Form.Description?.Trim() ?? "", Form.Permissions);
        db.Roles.Add(role);
        audit.Record(AuditActions.RoleCreated, targetType: "Role", targetId: role.Id.ToString(), details: new { role.Name, role.Permissions });
        await db.SaveChangesAsync(cancellationToken);
        Notice = $"Role {role.Name} created.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Roles = (await db.Roles.AsNoTracking().OrderByDescending(r => r.IsBuiltIn).ThenBy(r => r.Name).ToListAsync(cancellationToken))
            .Select(r => new RoleRow(r.Id, r.Name, r.Description, r.IsBuiltIn, r.Permissions)).ToList();
}

public sealed class NewRoleForm
{
    [Required(ErrorMessage = "Give the role a name.")]
    [StringLength(100, MinimumLength = 2, ErrorMessage = "The name must be 2 to 100 characters.")]
    public string Name { get; set; } = "";

    [StringLength(500, ErrorMessage = "The description must be at most 500 characters.")]
    public string? Description { get; set; }

    [MinLength(1, ErrorMessage = "Choose at least one permission.")]
    public List<string> Permissions { get; set; } = [];
}
