namespace Portico.Features.Documents.Staff;

/// One account's folders, documents and document requests, from the staff side.
[Authorize(Policy = Policies.Staff)]
// Agents ask customers for documents and keep folders; Finance reads them.
[StaffChanges(Identity.StaffRole.Agent, Identity.StaffRole.Admin)]
[RequestSizeLimit(DocumentUploads.MaxFormBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = DocumentUploads.MaxFormBytes)]
public sealed class AccountDocumentsModel(PorticoDb db, DocumentAccess access, DocumentActions actions, UploadDocument upload, TimeProvider clock,
    IOptions<DocumentOptions> options, IStringLocalizer<AccountDocumentsModel> text) : PageModel
{
    public Shared.UploadField UploadField(FolderRow folder) =>
        options.Value.Field($"upload-{folder.Id}", text["Upload to {0}", folder.Name], text["A file with the same name as an existing one becomes its new version."]);

    public bool CanChange => StaffChangesAttribute.Allows(this);

    public string AccountName { get; private set; } = "";
    public List<FolderRow> Folders { get; private set; } = [];
    public List<DocumentRow> Documents { get; private set; } = [];
    public List<DocumentRequestRow> Requests { get; private set; } = [];
    public List<string> RoleNames { get; private set; } = [];
    public DateTime Now => clock.GetUtcNow().UtcDateTime;
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken ct)
    {
        Notice = done;
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostFolderAsync(Guid id, string? name, bool staffOnly, List<string> viewRoles, List<string> uploadRoles, CancellationToken ct)
    {
        var outcome = await actions.CreateFolderAsync(id, name, staffOnly, viewRoles, uploadRoles, ct);
        return await AfterAsync(id, outcome.Status, text["Folder {0} created.", outcome.Value?.Name ?? ""], ct);
    }

    public async Task<IActionResult> OnPostAccessAsync(Guid id, Guid folderId, bool staffOnly, List<string> viewRoles, List<string> uploadRoles, CancellationToken ct)
    {
        var outcome = await actions.ChangeFolderAccessAsync(id, folderId, staffOnly, viewRoles, uploadRoles, ct);
        return await AfterAsync(id, outcome, text["Folder access saved."], ct);
    }

    public async Task<IActionResult> OnPostUploadAsync(Guid id, Guid folderId, IFormFile? file, CancellationToken ct)
    {
        if (file is null)
        {
            return await AfterAsync(id, Outcome.Refused(text["Choose a file to upload."]), null, ct);
        }
        await using var stream = file.OpenReadStream();
        var outcome = await upload.RunAsync(id, folderId, file.FileName, stream, access.Staff, null, ct);
        return await AfterAsync(id, outcome.Status, text["{0} uploaded as version {1}.", outcome.Value?.Document.Name ?? "", outcome.Value?.Version.Number ?? 0], ct);
    }

    public async Task<IActionResult> OnPostRequestAsync(Guid id, Guid folderId, string? title, string? description, DateOnly? dueOn, CancellationToken ct)
    {
        var outcome = await actions.RequestDocumentAsync(id, folderId, title, description, dueOn, access.Staff.Name, ct);
        return await AfterAsync(id, outcome, text["Asked the account for \"{0}\".", title ?? ""], ct);
    }

    private Task<IActionResult> AfterAsync(Guid id, Outcome outcome, string? notice, CancellationToken ct) =>
        outcome.ToPageResultAsync(this, () => Redirect($"/staff/accounts/{id}/documents?done={Uri.EscapeDataString(notice ?? text["Saved."])}"),
            () => LoadAsync(id, ct));

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var name = await db.Accounts.Where(a => a.Id == id).Select(a => a.Name).SingleOrDefaultAsync(ct);
        if (name is null)
        {
            return false;
        }
        AccountName = name;
        var folders = db.DocumentFolders.Where(f => f.AccountId == id);
        Folders = await DocumentQueries.FoldersAsync(folders, db, ct);
        Documents = await DocumentQueries.DocumentsAsync(db.Documents.Where(d => d.AccountId == id), db, ct);
        Requests = await DocumentQueries.RequestsAsync(folders, db, openOnly: false, ct);
        RoleNames = await db.Roles.OrderBy(r => r.Name).Select(r => r.Name).ToListAsync(ct);
        return true;
    }
}
