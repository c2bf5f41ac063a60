namespace Portico.Features.Documents;

[AccountPermission(Permissions.DocumentsView)]
[RequestSizeLimit(DocumentUploads.MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = DocumentUploads.MaxFormBytes)]
public sealed class IndexModel(PorticoDb db, DocumentAccess access, UploadDocument upload, TimeProvider clock, IOptions<DocumentOptions> options,
    IStringLocalizer<IndexModel> text) : PageModel
{
    public Shared.UploadField FulfilField(DocumentRequestRow asked) =>
        options.Value.Field($"file-{asked.Id}", text["File for {0}", asked.Title], text["It goes into the folder {0}.", asked.FolderName]);

    public List<FolderRow> Folders { get; private set; } = [];
    public List<DocumentRequestRow> Requests { get; private set; } = [];
    public List<DocumentRow> ToAcknowledge { get; private set; } = [];
    public HashSet<Guid> UploadableFolders { get; private set; } = [];
    public DateTime Now => clock.GetUtcNow().UtcDateTime;
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }

    public async Task OnGetAsync(bool done, CancellationToken ct)
    {
        Notice = done ? text["Thank you, the file was uploaded."].Value : null;
        await LoadAsync(ct);
    }

    /// Fulfils a document request by uploading the file it asks for.
    public async Task<IActionResult> OnPostFulfilAsync(Guid requestId, Guid folderId, IFormFile? file, CancellationToken ct)
    {
        Outcome<Upload> outcome = Outcome.Refused(text["Choose the file to upload."]);
        if (file is not null)
        {
            await using var stream = file.OpenReadStream();
            outcome = await upload.RunAsync(access.AccountId, folderId, file.FileName, stream, access.Customer, requestId, ct);
        }
        return await outcome.ToPageResultAsync(this, _ => Redirect($"/a/{access.AccountId}/documents?done=true"), async () =>
        {
            await LoadAsync(ct);
            return true;
        });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var folders = access.VisibleFolders();
        Folders = await DocumentQueries.FoldersAsync(folders, db, ct);
        Requests = await DocumentQueries.RequestsAsync(folders, db, openOnly: true, ct);
        var actor = access.Customer;
        var role = actor.RoleName ?? "";
        ToAcknowledge = await DocumentQueries.DocumentsAsync(access.VisibleDocuments()
            .Where(d => d.AcknowledgementRoles.Contains(role)
                && !db.DocumentAcknowledgements.Any(a => a.VersionId == d.CurrentVersionId && a.UserId == actor.UserId)), db, ct);
        UploadableFolders = Folders.Where(access.MayUpload).Select(f => f.Id).ToHashSet();
    }
}
