using Portico.Features.Accounts;
using Portico.Features.Shared;

namespace Portico.Features.Requests;

[AccountPermission(Permissions.RequestsView)]
[RequestSizeLimit(Uploads.MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = Uploads.MaxFormBytes)]
public sealed class DetailModel(PorticoDb db, RequestAccess access, CustomerRequestActions actions, IOptions<RequestOptions> options, TimeProvider clock) : PageModel
{
    public RequestDetail Detail { get; private set; } = null!;
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }
    public bool CanAct => access.CanAct;
    public bool CanShare => access.CanAct && (Detail.Request.SubmitterId == access.UserId || access.SeesAll);
    public RequestOptions Limits => options.Value;

    public UploadField AttachmentField => Limits.AttachmentField("files", "files", "Attach files (optional)", required: false);
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    [BindProperty] public string? Body { get; set; }

    public bool CanReopen => Detail.Request is { Status: RequestStatus.Resolved, ResolvedAt: { } at } && Now <= at.AddDays(options.Value.ReopenWindowDays);

    public async Task<IActionResult> OnGetAsync(Guid requestId, bool submitted, bool done, CancellationToken ct)
    {
        Notice = submitted ? "Your request was submitted. We will let you know by email when it is answered."
            : done ? "Saved." : null;
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
        return true;
    }
}
