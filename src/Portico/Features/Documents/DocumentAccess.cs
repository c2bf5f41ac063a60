namespace Portico.Features.Documents;

/// Who is acting on documents: a customer member of the account in scope, or staff.
public sealed record DocumentActor(Guid UserId, string Name, bool IsStaff, string? RoleName);

/// Which folders and documents the current customer member sees, from the folder's roles.
public sealed class DocumentAccess(PorticoDb db, AccountContext account, IHttpContextAccessor http)
{
    /// The member the account scope verified: the signed-in person, or the member staff view the portal as.
    public DocumentActor Customer => new(account.Membership?.UserId ?? http.HttpContext!.User.UserId()!.Value, RequestAccess.DisplayName(http.HttpContext!.User), false, account.RoleName);

    public DocumentActor Staff => new(http.HttpContext!.User.UserId()!.Value, RequestAccess.DisplayName(http.HttpContext.User), true, null);

    /// The verified account the customer acts in.
    public Guid AccountId => account.Id;

    public bool CanUploadAtAll => account.Permissions.Contains(Permissions.DocumentsUpload);

    public IQueryable<DocumentFolder> VisibleFolders()
    {
        var role = account.RoleName ?? "";
        return db.DocumentFolders.Where(f => !f.StaffOnly && (f.ViewRoles.Count == 0 || f.ViewRoles.Contains(role)));
    }

    public IQueryable<Document> VisibleDocuments()
    {
        var folders = VisibleFolders();
        return db.Documents.Where(d => d.DeletedAt == null && folders.Any(f => f.Id == d.FolderId));
    }

    public bool MayUpload(DocumentFolder folder) => CanUploadAtAll && folder.CustomerCanUpload(account.RoleName);

    /// For a folder already read through VisibleFolders, so it needs no second query.
    public bool MayUpload(FolderRow visible) => CanUploadAtAll && DocumentFolder.RoleMayUpload(visible.UploadRoles, account.RoleName);
}
