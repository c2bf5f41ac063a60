using Portico.Features.Requests.Staff;

namespace Portico.Features.Requests;

/// Staff Admins add a request type or change one: its fields, who may submit it, its default assignee and SLA targets.
public sealed class SaveRequestType(PorticoDb db, StaffRequestActions actions, AuditLog audit, TimeProvider clock, IStringLocalizer<SaveRequestType> text)
{
    /// Every problem with the form comes back at once, by field. formIsValid is false when the form already failed
    /// its own checks: then nothing is saved, but the other problems are still named.
    public async Task<Outcome<RequestType>> SaveAsync(Guid? typeId, TypeInput form, bool formIsValid, CancellationToken ct)
    {
        RequestType? type = null;
        if (typeId is { } id)
        {
            type = await db.RequestTypes.SingleOrDefaultAsync(t => t.Id == id, ct);
            if (type is null)
            {
                return Outcome.NotFound;
            }
        }
        var submittingRoles = (await db.Roles.AsNoTracking().ToListAsync(ct)).Where(r => r.Grants(Permissions.RequestsCreate)).Select(r => r.Name).ToList();
        var assignees = await actions.AssigneesAsync(ct);
        var errors = new Dictionary<string, string>();
        // A field with two problems shows both, in one line.
        void Add(string field, string error) => errors[field] = errors.TryGetValue(field, out var earlier) ? $"{earlier} {error}" : error;
        var name = form.Name?.Trim() ?? "";
        string nameTaken = text["Another request type already has this name."];
        if (name.Length > 0 && await db.RequestTypes.AnyAsync(t => t.Name == name && t.Id != typeId, ct))
        {
            Add("Name", nameTaken);
        }
        var unknownRoles = form.AllowedRoles.Except(submittingRoles).ToList();
        if (unknownRoles.Count > 0)
        {
            Add("AllowedRoles", text["These roles cannot submit requests: {0}.", string.Join(", ", unknownRoles)]);
        }
        if (form.DefaultAssigneeId is { } assignee && assignees.All(a => a.Id != assignee))
        {
            Add("DefaultAssigneeId", text["The default assignee must be an agent or admin."]);
        }
        var fields = new List<RequestField>();
        foreach (var (f, i) in form.Fields.Select((f, i) => (f, i)).Where(x => !string.IsNullOrWhiteSpace(x.f.Label)))
        {
            if (!Enum.IsDefined(f.Kind))
            {
                Add($"Fields[{i}].Kind", text["Field {0}: choose a kind.", i + 1]);
                continue;
            }
            var options = (f.Options ?? "").Split('\n').Select(o => o.Trim()).Where(o => o.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            var kind = f.Kind;
            if (kind is FieldKind.Choice or FieldKind.MultiChoice && options.Count < 2)
            {
                Add($"Fields[{i}].Options", text["\"{0}\": a choice needs at least two options, one per line.", f.Label!.Trim()]);
            }
            if (options.Count > RequestLimits.MaxOptions || options.Any(o => o.Length > RequestLimits.FieldLabel))
            {
                Add($"Fields[{i}].Options", text["\"{0}\": at most {1} options of {2} characters each.", f.Label!.Trim(), RequestLimits.MaxOptions, RequestLimits.FieldLabel]);
            }
            var existing = type?.Fields.FirstOrDefault(x => x.Key == f.Key);
            var key = existing?.Key ?? RequestType.KeyFor(f.Label!, fields.Select(x => x.Key).Concat(type?.Fields.Select(x => x.Key) ?? []));
            fields.Add(new RequestField(key, f.Label!.Trim(), kind, f.Required, kind is FieldKind.Choice or FieldKind.MultiChoice ? options : []));
        }
        if (fields.Count > RequestLimits.MaxFields)
        {
            Add("Fields", text["A request type can have at most {0} fields.", RequestLimits.MaxFields]);
        }
        if (form.Sla.Count != Enum.GetValues<RequestPriority>().Length || form.Sla.Select(s => s.Priority).Distinct().Count() != form.Sla.Count)
        {
            Add("Sla", text["Give SLA targets for every priority."]);
        }
        foreach (var (s, i) in form.Sla.Select((s, i) => (s, i)).Where(x => x.s.ResolutionHours < x.s.FirstResponseHours))
        {
            Add($"Sla[{i}].ResolutionHours", text["{0}: resolution cannot be due before the first response.", s.Priority.Human()]);
        }
        if (errors.Count > 0 || !formIsValid)
        {
            return Outcome.Refused(errors.Values.FirstOrDefault() ?? text["Check the form."].Value, errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (type is null)
        {
            type = new RequestType(name, form.Description?.Trim() ?? "", now);
            db.RequestTypes.Add(type);
        }
        type.Update(name, form.Description?.Trim() ?? "", form.IsActive, fields, form.AllowedRoles, form.DefaultAssigneeId,
            form.Sla.Select(s => new SlaTarget(s.Priority, s.FirstResponseHours, s.ResolutionHours)), now);
        type.CountAsRepetitive(form.IsRepetitive);
        audit.Record(AuditActions.RequestTypeSaved, null, "RequestType", type.Id.ToString(),
            new { name, fields = fields.Select(f => $"{f.Label} ({f.Kind}{(f.Required ? ", required" : "")})"), allowedRoles = form.AllowedRoles, active = form.IsActive, repetitive = form.IsRepetitive });
        return await db.SaveUnlessTakenAsync(ct) ? type : Outcome.Refused(nameTaken, new Dictionary<string, string> { ["Name"] = nameTaken });
    }
}
