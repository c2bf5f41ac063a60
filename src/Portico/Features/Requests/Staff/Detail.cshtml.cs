namespace Portico.Features.Requests.Staff;

[Authorize(Policy = Policies.StaffRequests)]
[RequestSizeLimit(Uploads.MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = Uploads.MaxFormBytes)]
public sealed class DetailModel(PorticoDb db, StaffRequestActions actions, IOptions<RequestOptions> options, TimeProvider clock,
    IStringLocalizer<DetailModel> text) : PageModel
{
    public RequestDetail Detail { get; private set; } = null!;
    public List<StaffMember> Assignees { get; private set; } = [];
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }
    public RequestOptions Limits => options.Value;
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    [BindProperty] public string? Body { get; set; }

    public RequestRating? Rating { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid requestId, bool done, CancellationToken ct)
    {
        Notice = done ? text["Saved."].Value : null;
        return await LoadAsync(requestId, ct) ? Page() : NotFound();
    }

    /// "reply" sends a public reply; "note" adds an internal note no customer ever sees.
    public async Task<IActionResult> OnPostReplyAsync(Guid requestId, string? kind, string? thenStatus, CancellationToken ct)
    {
        RequestStatus? next = Enum.TryParse<RequestStatus>(thenStatus, out var s) && Enum.IsDefined(s) ? s : null;
        var files = await Uploads.ReadAsync(Request.Form.Files, "files", options.Value.MaxAttachmentBytes, ct);
        return await AfterAsync(requestId, await actions.ReplyAsync(requestId, Body, isInternal: kind == "note", next, files, ct), ct);
    }

    public async Task<IActionResult> OnPostStatusAsync(Guid requestId, string? status, CancellationToken ct)
    {
        if (!Enum.TryParse<RequestStatus>(status, out var to) || !Enum.IsDefined(to))
        {
            return await AfterAsync(requestId, Outcome.Refused(text["Choose a status."]), ct);
        }
        return await AfterAsync(requestId, await actions.ChangeStatusAsync(requestId, to, ct), ct);
    }

    public async Task<IActionResult> OnPostAssignAsync(Guid requestId, string? assignee, CancellationToken ct)
    {
        Guid? id = assignee == "me" ? User.UserId() : Guid.TryParse(assignee, out var parsed) ? parsed : null;
        return await AfterAsync(requestId, await actions.AssignAsync(requestId, id, ct), ct);
    }

    private Task<IActionResult> AfterAsync(Guid requestId, Outcome outcome, CancellationToken ct) =>
        outcome.ToPageResultAsync(this, () => Redirect($"/staff/requests/{requestId}?done=true"), () => LoadAsync(requestId, ct));

    private async Task<bool> LoadAsync(Guid requestId, CancellationToken ct)
    {
        var detail = await RequestQueries.DetailAsync(db.Requests, db, requestId, forStaff: true, ct);
        if (detail is null)
        {
            return false;
        }
        Detail = detail;
        Rating = await db.RequestRatings.AsNoTracking().SingleOrDefaultAsync(r => r.RequestId == requestId, ct);
        Assignees = await actions.AssigneesAsync(ct);
        return true;
    }
}
