using Portico.Features.Accounts;
using Portico.Features.Audit;

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
    public List<string> AllowedRoles { get; set; } = [];
    public Guid? DefaultAssigneeId { get; set; }
    public List<FieldInput> Fields { get; set; } = [];
    public List<SlaInput> Sla { get; set; } = [];
}

[Authorize(Policy = Policies.StaffAdmin)]
public sealed class EditTypeModel(PorticoDb db, StaffRequestActions actions, AuditLog audit, TimeProvider clock) : PageModel
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
                Name = type.Name, Description = type.Description, IsActive = type.IsActive, AllowedRoles = type.AllowedRoles, DefaultAssigneeId = type.DefaultAssigneeId,
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
        RequestType? type = null;
        if (typeId is { } id)
        {
            type = await db.RequestTypes.SingleOrDefaultAsync(t => t.Id == id, ct);
            if (type is null)
            {
                return NotFound();
            }
        }
        await LoadChoicesAsync(ct);
        var name = Form.Name?.Trim() ?? "";
        if (name.Length > 0 && await db.RequestTypes.AnyAsync(t => t.Name == name && t.Id != typeId, ct))
        {
            ModelState.AddModelError("Form.Name", "Another request type already has this name.");
        }
        var unknownRoles = Form.AllowedRoles.Except(SubmittingRoles).ToList();
        if (unknownRoles.Count > 0)
        {
            ModelState.AddModelError("Form.AllowedRoles", $"These roles cannot submit requests: {string.Join(", ", unknownRoles)}.");
        }
        if (Form.DefaultAssigneeId is { } assignee && Assignees.All(a => a.Id != assignee))
        {
            ModelState.AddModelError("Form.DefaultAssigneeId", "The default assignee must be an agent or admin.");
        }
        var fields = new List<RequestField>();
        foreach (var (f, i) in Form.Fields.Select((f, i) => (f, i)).Where(x => !string.IsNullOrWhiteSpace(x.f.Label)))
        {
            if (!Enum.IsDefined(f.Kind))
            {
                ModelState.AddModelError($"Form.Fields[{i}].Kind", $"Field {i + 1}: choose a kind.");
                continue;
            }
            var options = (f.Options ?? "").Split('\n').Select(o => o.Trim()).Where(o => o.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            var kind = f.Kind;
            if (kind is FieldKind.Choice or FieldKind.MultiChoice && options.Count < 2)
            {
                ModelState.AddModelError($"Form.Fields[{i}].Options", $"\"{f.Label!.Trim()}\": a choice needs at least two options, one per line.");
            }
            if (options.Count > RequestLimits.MaxOptions || options.Any(o => o.Length > RequestLimits.FieldLabel))
            {
                ModelState.AddModelError($"Form.Fields[{i}].Options", $"\"{f.Label!.Trim()}\": at most {RequestLimits.MaxOptions} options of {RequestLimits.FieldLabel} characters each.");
            }
            var existing = type?.Fields.FirstOrDefault(x => x.Key == f.Key);
            var key = existing?.Key ?? RequestType.KeyFor(f.Label!, fields.Select(x => x.Key).Concat(type?.Fields.Select(x => x.Key) ?? []));
            fields.Add(new RequestField(key, f.Label!.Trim(), kind, f.Required, kind is FieldKind.Choice or FieldKind.MultiChoice ? options : []));
        }
        if (fields.Count > RequestLimits.MaxFields)
        {
            ModelState.AddModelError("Form.Fields", $"A request type can have at most {RequestLimits.MaxFields} fields.");
        }
        if (Form.Sla.Count != Enum.GetValues<RequestPriority>().Length || Form.Sla.Select(s => s.Priority).Distinct().Count() != Form.Sla.Count)
        {
            ModelState.AddModelError("Form.Sla", "Give SLA targets for every priority.");
        }
        foreach (var (s, i) in Form.Sla.Select((s, i) => (s, i)).Where(x => x.s.ResolutionHours < x.s.FirstResponseHours))
        {
            ModelState.AddModelError($"Form.Sla[{i}].ResolutionHours", $"{s.Priority}: resolution cannot be due before the first response.");
        }
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (type is null)
        {
            type = new RequestType(name, Form.Description?.Trim() ?? "", now);
            db.RequestTypes.Add(type);
        }
        type.Update(name, Form.Description?.Trim() ?? "", Form.IsActive, fields, Form.AllowedRoles, Form.DefaultAssigneeId,
            Form.Sla.Select(s => new SlaTarget(s.Priority, s.FirstResponseHours, s.ResolutionHours)), now);
        audit.Record(AuditActions.RequestTypeSaved, null, "RequestType", type.Id.ToString(),
            new { name, fields = fields.Select(f => $"{f.Label} ({f.Kind}{(f.Required ? ", required" : "")})"), allowedRoles = Form.AllowedRoles, active = Form.IsActive });
        await db.SaveChangesAsync(ct);
        return Redirect("/staff/request-types");
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
