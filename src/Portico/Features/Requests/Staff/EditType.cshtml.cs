namespace Portico.Features.Requests.Staff;

public sealed class FieldInput
{
    public string? Key { get; set; }
    [StringLength(RequestLimits.FieldLabel)] public string? Label { get; set; }
    public FieldKind Kind { get; set; }
    public bool Required { get; set; }
    /// One option per line, for choice fields.
    [StringLength(5000)] public string? Options { get; set; }
}

public sealed class SlaInput
{
    public RequestPriority Priority { get; set; }
    [Range(1, 8760, ErrorMessage = "Hours to first response must be between 1 and 8760.")] public int FirstResponseHours { get; set; }
    [Range(1, 8760, ErrorMessage = "Hours to resolution must be between 1 and 8760.")] public int ResolutionHours { get; set; }
}

public sealed class TypeInput
{
    [Required(ErrorMessage = "Give the type a name."), StringLength(RequestLimits.TypeName)] public string Name { get; set; } = "";
    [StringLength(RequestLimits.TypeDescription)] public string? Description { get; set; }
    public bool IsActive { get; set; } = true;
    public bool IsRepetitive { get; set; }
    public List<string> AllowedRoles { get; set; } = [];
    public Guid? DefaultAssigneeId { get; set; }
    public List<FieldInput> Fields { get; set; } = [];
    public List<SlaInput> Sla { get; set; } = [];
}

[Authorize(Policy = Policies.StaffAdmin)]
public sealed class EditTypeModel(PorticoDb db, StaffRequestActions actions, SaveRequestType saveType) : PageModel
{
    private const int BlankRows = 3;

    [BindProperty] public TypeInput Form { get; set; } = new();
    public bool IsNew { get; private set; }
    public List<string> SubmittingRoles { get; private set; } = [];
    public List<StaffMember> Assignees { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid? typeId, CancellationToken ct)
    {
        IsNew = typeId is null;
        if (typeId is { } id)
        {
            var type = await db.RequestTypes.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
            if (type is null)
            {
                return NotFound();
            }
            Form = new TypeInput
            {
                Name = type.Name, Description = type.Description, IsActive = type.IsActive, IsRepetitive = type.IsRepetitive, AllowedRoles = type.AllowedRoles, DefaultAssigneeId = type.DefaultAssigneeId,
                Fields = type.Fields.Select(f => new FieldInput { Key = f.Key, Label = f.Label, Kind = f.Kind, Required = f.Required, Options = string.Join("\n", f.Options) }).ToList(),
                Sla = type.SlaTargets.Select(s => new SlaInput { Priority = s.Priority, FirstResponseHours = s.FirstResponseHours, ResolutionHours = s.ResolutionHours }).ToList(),
            };
        }
        else
        {
            Form.Sla = RequestType.DefaultSla().Select(s => new SlaInput { Priority = s.Priority, FirstResponseHours = s.FirstResponseHours, ResolutionHours = s.ResolutionHours }).ToList();
        }
        await LoadChoicesAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid? typeId, CancellationToken ct)
    {
        IsNew = typeId is null;
        var outcome = await saveType.SaveAsync(typeId, Form, ModelState.IsValid, ct);
        if (outcome.Kind == OutcomeKind.NotFound)
        {
            return NotFound();
        }
        if (outcome.Succeeded)
        {
            return Redirect("/staff/request-types");
        }
        // Errors show next to their fields and the page lists them all, so the refusal's message is not added again.
        foreach (var (field, error) in outcome.Status.FieldErrors ?? new Dictionary<string, string>())
        {
            ModelState.AddModelError($"{nameof(Form)}.{field}", error);
        }
        await LoadChoicesAsync(ct);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        var roles = await db.Roles.AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct);
        SubmittingRoles = roles.Where(r => r.Grants(Permissions.RequestsCreate)).Select(r => r.Name).ToList();
        Assignees = await actions.AssigneesAsync(ct);
        while (Form.Fields.Count(f => string.IsNullOrWhiteSpace(f.Label)) < BlankRows)
        {
            Form.Fields.Add(new FieldInput());
        }
    }
}
