namespace Portico.Features.Accounts.Staff;

public sealed record RoleRow(Guid Id, string Name, string Description, bool IsBuiltIn, IReadOnlyList<string> Permissions);

/// Custom roles are sets of catalogue permissions; built-in roles are shown but fixed.
[Authorize(Policy = Policies.StaffAdmin)]
public sealed class RolesModel(PorticoDb db, ChangeRoleCatalogue catalogue, IStringLocalizer<ChangeRoleCatalogue> refusals, IStringLocalizer<RolesModel> text) : PageModel
{
    public IReadOnlyList<RoleRow> Roles { get; private set; } = [];

    [BindProperty]
    public NewRoleForm Form { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            var outcome = await catalogue.CreateAsync(Form.Name, Form.Description, Form.Permissions, cancellationToken);
            if (outcome.Value is { } role)
            {
                Notice = text["Role {0} created.", role.Name];
                return RedirectToPage();
            }
            foreach (var (field, error) in outcome.Status.FieldErrors ?? new Dictionary<string, string>())
            {
                ModelState.AddModelError($"{nameof(Form)}.{field}", error);
            }
        }
        else if (ChangeRoleCatalogue.UnknownPermissions(Form.Permissions))
        {
            // An incomplete form still learns that its permissions are wrong too.
            ModelState.AddModelError($"{nameof(Form)}.Permissions", refusals[ChangeRoleCatalogue.UnknownPermissionsRefusal]);
        }
        await LoadAsync(cancellationToken);
        return Page();
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
