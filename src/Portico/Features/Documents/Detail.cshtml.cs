namespace Portico.Features.Documents;

[AccountPermission(Permissions.DocumentsView)]
public sealed class DetailModel(PorticoDb db, DocumentAccess access, DocumentActions actions, AuditLog audit) : PageModel
{
    public Document Document { get; private set; } = null!;
    public string FolderName { get; private set; } = "";
    public List<VersionRow> Versions { get; private set; } = [];
    public bool MustAcknowledge { get; private set; }
    public DateTime? AcknowledgedAt { get; private set; }
    public string? Error => ModelState.Refusal();

    public async Task<IActionResult> OnGetAsync(Guid documentId, CancellationToken ct)
    {
        if (!await LoadAsync(documentId, ct))
        {
            return NotFound();
        }
        audit.Record(AuditActions.DocumentViewed, Document.AccountId, "Document", Document.Id.ToString(), new { name = Document.Name, version = Document.VersionCount });
        await db.SaveChangesAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid documentId, CancellationToken ct)
    {
        var outcome = await actions.AcknowledgeAsync(documentId, ct);
        return await outcome.ToPageResultAsync(this, () => Redirect($"/a/{access.AccountId}/documents/{documentId}"), () => LoadAsync(documentId, ct));
    }

    private async Task<bool> LoadAsync(Guid documentId, CancellationToken ct)
    {
        var document = await access.VisibleDocuments().AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId, ct);
        if (document is null)
        {
            return false;
        }
        Document = document;
        FolderName = await db.DocumentFolders.Where(f => f.Id == document.FolderId).Select(f => f.Name).SingleAsync(ct);
        Versions = await DocumentQueries.VersionsAsync(db, documentId, ct);
        var actor = access.Customer;
        MustAcknowledge = document.AcknowledgementRoles.Contains(actor.RoleName ?? "");
        AcknowledgedAt = await db.DocumentAcknowledgements.Where(a => a.VersionId == document.CurrentVersionId && a.UserId == actor.UserId)
            .Select(a => (DateTime?)a.At).FirstOrDefaultAsync(ct);
        return true;
    }
}
