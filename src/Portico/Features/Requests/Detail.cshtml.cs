namespace Portico.Features.Requests;

[AccountPermission(Permissions.RequestsView)]
[RequestSizeLimit(Uploads.MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = Uploads.MaxFormBytes)]
public sealed class DetailModel(PorticoDb db, RequestAccess access, CustomerRequestActions actions, RateRequest rate, IOptions<RequestOptions> options, TimeProvider clock,
    IStringLocalizer<DetailModel> text) : PageModel
{
    public RequestDetail Detail { get; private set; } = null!;
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }
    public bool CanAct => access.CanAct;
    public bool CanShare => access.CanAct && (Detail.Request.SubmitterId == access.UserId || access.SeesAll);
    public RequestOptions Limits => options.Value;

    public UploadField AttachmentField => Limits.AttachmentField("files", "files", text["Attach files (optional)"], required: false,
        text["Up to {0} files, {1} each.", RequestLimits.MaxFilesPerUpload, RequestForm.FormatSize(Limits.MaxAttachmentBytes)]);
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    [BindProperty] public string? Body { get; set; }

    /// The requester's rating once given; until then a resolved request asks the requester for one.
    public RequestRating? Rating { get; private set; }
    [BindProperty] public int? Score { get; set; }
    [BindProperty] public string? Comment { get; set; }

    public bool IsRequester => Detail.Request.SubmitterId == access.UserId;
    public bool CanRate => Rating is null && CanAct && IsRequester
        && Detail.Request is { Status: RequestStatus.Resolved or RequestStatus.Closed, ResolvedAt: not null };

    public bool CanReopen => Detail.Request is { Status: RequestStatus.Resolved, ResolvedAt: { } at } && Now <= at.AddDays(options.Value.ReopenWindowDays);

    public async Task<IActionResult> OnGetAsync(Guid requestId, bool submitted, bool done, CancellationToken ct)
    {
        Notice = submitted ? text["Your request was submitted. We will let you know by email when it is answered."].Value
            : done ? text["Saved."].Value : null;
        return await LoadAsync(requestId, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostReplyAsync(Guid requestId, CancellationToken ct)
    {
        var files = await Uploads.ReadAsync(Request.Form.Files, "files", options.Value.MaxAttachmentBytes, ct);
        return await AfterAsync(requestId, await actions.ReplyAsync(requestId, Body, files, ct), ct);
    }

    public async Task<IActionResult> OnPostConfirmAsync(Guid requestId, CancellationToken ct) =>
        await AfterAsync(requestId, await actions.ConfirmResolvedAsync(requestId, ct), ct);

    public async Task<IActionResult> OnPostReopenAsync(Guid requestId, CancellationToken ct) =>
        await AfterAsync(requestId, await actions.ReopenAsync(requestId, ct), ct);

    public async Task<IActionResult> OnPostShareAsync(Guid requestId, bool shared, CancellationToken ct) =>
        await AfterAsync(requestId, await actions.ShareAsync(requestId, shared, ct), ct);

    /// The request comes from the route only, so a posted id cannot point the rating at another request.
    public async Task<IActionResult> OnPostRateAsync([FromRoute] Guid requestId, CancellationToken ct)
    {
        // A score that is not a number never binds; it is refused like one out of range.
        ModelState.Remove(nameof(Score));
        return await AfterAsync(requestId, await rate.RunAsync(requestId, Score, Comment, ct), ct);
    }

    private Task<IActionResult> AfterAsync(Guid requestId, Outcome outcome, CancellationToken ct) =>
        outcome.ToPageResultAsync(this, () => Redirect($"{Request.Path}?done=true"), () => LoadAsync(requestId, ct));

    private async Task<bool> LoadAsync(Guid requestId, CancellationToken ct)
    {
        var detail = await RequestQueries.DetailAsync(access.Visible(), db, requestId, forStaff: false, ct);
        if (detail is null)
        {
            return false;
        }
        Detail = detail;
        // Only a resolved or closed request can have been rated; the others skip the query.
        Rating = detail.Request.Status is RequestStatus.Resolved or RequestStatus.Closed
            ? await db.RequestRatings.AsNoTracking().SingleOrDefaultAsync(r => r.RequestId == requestId, ct)
            : null;
        return true;
    }
}
