namespace Portico.Features.Documents.Staff;

/// One document for staff: versions, who acknowledged, and its whole trail.
[Authorize(Policy = Policies.Staff)]
// Agents ask customers for documents and keep folders; Finance reads them.
[StaffChanges(Identity.StaffRole.Agent, Identity.StaffRole.Admin)]
public sealed class DocumentModel(PorticoDb db, DocumentActions actions, SearchAuditEvents search, IStringLocalizer<DocumentModel> text) : PageModel
{
    public bool CanChange => StaffChangesAttribute.Allows(this);

    public Document Document { get; private set; } = null!;
    public string AccountName { get; private set; } = "";
    public string FolderName { get; private set; } = "";
    public List<VersionRow> Versions { get; private set; } = [];
    public List<AcknowledgementStatus> Acknowledgements { get; private set; } = [];
    public List<string> RoleNames { get; private set; } = [];
    public AuditPage Trail { get; private set; } = AuditPage.Empty;
    public string? Error => ModelState.Refusal();

    public async Task<IActionResult> OnGetAsync(Guid documentId, CancellationToken ct) =>
        await LoadAsync(documentId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAcknowledgementAsync(Guid documentId, List<string> roles, CancellationToken ct) =>
        await AfterAsync(documentId, await actions.RequireAcknowledgementAsync(documentId, roles, ct), ct);

    public async Task<IActionResult> OnPostDeleteAsync(Guid documentId, CancellationToken ct)
    {
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId, ct);
        var outcome = await actions.DeleteAsync(documentId, ct);
        return await outcome.ToPageResultAsync(this, () => Redirect($"/staff/accounts/{document!.AccountId}/documents?done={Uri.EscapeDataString(text["Deleted"])}"), () => LoadAsync(documentId, ct));
    }

    private Task<IActionResult> AfterAsync(Guid documentId, Outcome outcome, CancellationToken ct) =>
        outcome.ToPageResultAsync(this, () => Redirect($"/staff/documents/{documentId}"), () => LoadAsync(documentId, ct));

    private async Task<bool> LoadAsync(Guid documentId, CancellationToken ct)
    {
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId && d.DeletedAt == null, ct);
        if (document is null)
        {
            return false;
        }
        Document = document;
        AccountName = await db.Accounts.Where(a => a.Id == document.AccountId).Select(a => a.Name).SingleAsync(ct);
        FolderName = await db.DocumentFolders.Where(f => f.Id == document.FolderId).Select(f => f.Name).SingleAsync(ct);
        Versions = await DocumentQueries.VersionsAsync(db, documentId, ct);
        Acknowledgements = await actions.AcknowledgementsAsync(document, ct);
        RoleNames = await db.Roles.OrderBy(r => r.Name).Select(r => r.Name).ToListAsync(ct);
        Trail = await search.RunAsync(new AuditQuery(AccountId: document.AccountId, TargetType: "Document", TargetId: documentId.ToString()), ct);
        return true;
    }
}
