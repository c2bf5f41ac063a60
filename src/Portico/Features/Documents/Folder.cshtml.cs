namespace Portico.Features.Documents;

[AccountPermission(Permissions.DocumentsView)]
[RequestSizeLimit(DocumentUploads.MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = DocumentUploads.MaxFormBytes)]
public sealed class FolderModel(PorticoDb db, DocumentAccess access, UploadDocument upload, IOptions<DocumentOptions> options,
    IStringLocalizer<FolderModel> text) : PageModel
{
    public DocumentFolder Folder { get; private set; } = null!;
    public List<DocumentRow> Documents { get; private set; } = [];
    public bool CanUpload { get; private set; }
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }

    public UploadField UploadField => options.Value.Field("file", text["File"], text["A file with the same name as an existing one becomes its new version."]);

    public async Task<IActionResult> OnGetAsync(Guid folderId, string? uploaded, CancellationToken ct)
    {
        Notice = uploaded is null ? null : text["{0} was uploaded.", uploaded].Value;
        return await LoadAsync(folderId, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(Guid folderId, IFormFile? file, CancellationToken ct)
    {
        Outcome<Upload> outcome = Outcome.Refused(text["Choose a file to upload."]);
        if (file is not null)
        {
            await using var stream = file.OpenReadStream();
            outcome = await upload.RunAsync(access.AccountId, folderId, file.FileName, stream, access.Customer, null, ct);
        }
        return await outcome.ToPageResultAsync(this,
            uploaded => Redirect($"/a/{access.AccountId}/documents/folders/{folderId}?uploaded={Uri.EscapeDataString(uploaded.Document.Name)}"),
            () => LoadAsync(folderId, ct));
    }

    private async Task<bool> LoadAsync(Guid folderId, CancellationToken ct)
    {
        var folder = await access.VisibleFolders().AsNoTracking().SingleOrDefaultAsync(f => f.Id == folderId, ct);
        if (folder is null)
        {
            return false;
        }
        Folder = folder;
        CanUpload = access.MayUpload(folder);
        Documents = await DocumentQueries.DocumentsAsync(access.VisibleDocuments().Where(d => d.FolderId == folderId), db, ct);
        return true;
    }
}
