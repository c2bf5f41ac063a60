namespace Portico.Features.Requests;

[AccountPermission(Permissions.RequestsCreate)]
[RequestSizeLimit(Uploads.MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = Uploads.MaxFormBytes)]
public sealed class NewModel(SubmitRequest submit, IOptions<RequestOptions> options, AccountContext account, IStringLocalizer<SubmitRequest> text) : PageModel
{
    public const string ValuePrefix = "f.";
    public const string FilePrefix = "file.";

    public List<RequestType> Types { get; private set; } = [];
    public RequestType? Type { get; private set; }
    public Dictionary<string, string> Errors => ModelState.FieldRefusals();
    public RequestOptions Limits => options.Value;

    [BindProperty(SupportsGet = true, Name = "type")] public Guid? TypeId { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Types = await submit.TypesAsync(ct);
        if (TypeId is { } id)
        {
            Type = Types.FirstOrDefault(t => t.Id == id);
            if (Type is null)
            {
                return NotFound();
            }
        }
        else if (Types.Count == 1)
        {
            Type = Types[0];
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Types = await submit.TypesAsync(ct);
        Type = TypeId is { } id ? Types.FirstOrDefault(t => t.Id == id) : null;
        if (Type is null)
        {
            string refusal = text[SubmitRequest.TypeRefusal];
            return await Outcome.Refused(refusal, new Dictionary<string, string> { ["type"] = refusal })
                .ToPageResultAsync(this, Page, () => Task.FromResult(true));
        }
        var form = Request.Form;
        var values = form.Keys.Where(k => k.StartsWith(ValuePrefix, StringComparison.Ordinal))
            .ToDictionary(k => k[ValuePrefix.Length..], k => (IReadOnlyList<string>)form[k].Select(v => v ?? "").ToList());
        var files = new Dictionary<string, IReadOnlyList<UploadedFile>>();
        foreach (var field in Type.Fields.Where(f => f.Kind == FieldKind.File))
        {
            files[field.Key] = await Uploads.ReadAsync(form.Files, FilePrefix + field.Key, options.Value.MaxAttachmentBytes, ct);
        }
        var input = new RequestInput(form["subject"], form["priority"], form["shared"] == "true", values, files);
        var outcome = await submit.RunAsync(Type.Id, input, ct);
        return await outcome.ToPageResultAsync(this, request => Redirect($"/a/{account.Id}/requests/{request.Id}?submitted=true"), () => Task.FromResult(true));
    }

    public string Posted(string name) => Request.HasFormContentType ? Request.Form[name].ToString() : "";
}
