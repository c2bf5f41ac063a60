namespace Portico.Features.Requests.Staff;

/// Staff log a request for one of an account's people from a phone call or an email. The person becomes its
/// submitter and follows it in the portal; the channel is kept on the request and the logging is audited.
[Authorize(Policy = Policies.StaffRequests)]
[RequestSizeLimit(Uploads.MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = Uploads.MaxFormBytes)]
public sealed class LogRequestModel(PorticoDb db, SubmitRequest submit, IOptions<RequestOptions> options, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Account { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Type { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Requester { get; set; }
    [BindProperty(SupportsGet = true)] public Insights.Channel Channel { get; set; } = Insights.Channel.Phone;

    public string AccountName { get; private set; } = "";
    public List<(Guid Id, string Name, string Email)> People { get; private set; } = [];
    public List<RequestType> Types { get; private set; } = [];
    public RequestType? ChosenType { get; private set; }
    public Dictionary<string, string> Errors => ModelState.FieldRefusals();
    public RequestOptions Limits => options.Value;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }
        if (!ModelState.IsValid)
        {
            // A requester, type or channel that does not bind is refused, never replaced by a default.
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var form = Request.Form;
        var values = form.Keys.Where(k => k.StartsWith(NewModel.ValuePrefix, StringComparison.Ordinal))
            .ToDictionary(k => k[NewModel.ValuePrefix.Length..], k => (IReadOnlyList<string>)form[k].Select(v => v ?? "").ToList());
        var files = new Dictionary<string, IReadOnlyList<UploadedFile>>();
        foreach (var field in ChosenType?.Fields.Where(f => f.Kind == FieldKind.File) ?? [])
        {
            files[field.Key] = await Uploads.ReadAsync(form.Files, NewModel.FilePrefix + field.Key, options.Value.MaxAttachmentBytes, ct);
        }
        var input = new RequestInput(form["subject"], form["priority"], form["shared"] == "true", values, files);
        var outcome = await submit.LogForCustomerAsync(Account, Requester ?? Guid.Empty, Type ?? Guid.Empty, Channel, input, ct);
        return await outcome.ToPageResultAsync(this, request => Redirect($"/staff/requests/{request.Id}"), () => Task.FromResult(true));
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var name = await db.Accounts.AsNoTracking().Where(a => a.Id == Account).Select(a => a.Name).SingleOrDefaultAsync(ct);
        if (name is null)
        {
            return false;
        }
        AccountName = name;
        var now = clock.GetUtcNow().UtcDateTime;
        People = (await db.Memberships.AsNoTracking().Where(m => m.AccountId == Account && (m.ExpiresAt == null || m.ExpiresAt > now))
            .OrderBy(m => m.User.DisplayName).Select(m => new { m.UserId, m.User.DisplayName, m.User.Email }).ToListAsync(ct))
            .Select(p => (p.UserId, p.DisplayName, p.Email ?? "")).ToList();
        Types = await db.RequestTypes.AsNoTracking().Where(t => t.IsActive).OrderBy(t => t.Name).ToListAsync(ct);
        ChosenType = Types.FirstOrDefault(t => t.Id == Type);
        return true;
    }

    public string Posted(string name) => Request.HasFormContentType ? Request.Form[name].ToString() : "";
}
