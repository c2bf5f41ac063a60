namespace Portico.Features.Documents;

public sealed record FolderRow(Guid Id, string Name, bool StaffOnly, IReadOnlyList<string> ViewRoles, IReadOnlyList<string> UploadRoles, int Documents);

public sealed record DocumentRow(Guid Id, Guid FolderId, string Name, int Versions, long Size, DateTime UpdatedAt, string? UploadedBy, bool AsksAcknowledgement);

public sealed record VersionRow(Guid Id, int Number, long Size, string Sha256, string ContentType, string UploadedByName, bool FromStaff, DateTime CreatedAt);

public sealed record DocumentRequestRow(Guid Id, Guid FolderId, string FolderName, string Title, string Description, DateOnly DueOn, string RequestedByName,
    DateTime? FulfilledAt, string? FulfilledByName, Guid? DocumentId);

public static class DocumentQueries
{
    public static Task<List<FolderRow>> FoldersAsync(IQueryable<DocumentFolder> folders, PorticoDb db, CancellationToken ct) =>
        folders.AsNoTracking().OrderBy(f => f.Name)
            .Select(f => new FolderRow(f.Id, f.Name, f.StaffOnly, f.ViewRoles, f.UploadRoles, db.Documents.Count(d => d.FolderId == f.Id && d.DeletedAt == null)))
            .ToListAsync(ct);

    public static Task<List<DocumentRow>> DocumentsAsync(IQueryable<Document> documents, PorticoDb db, CancellationToken ct) =>
        documents.AsNoTracking().Where(d => d.DeletedAt == null).OrderBy(d => d.Name)
            .Select(d => new DocumentRow(d.Id, d.FolderId, d.Name, d.VersionCount, d.CurrentSize, d.UpdatedAt,
                db.DocumentVersions.Where(v => v.Id == d.CurrentVersionId).Select(v => v.UploadedByName).FirstOrDefault(), d.AcknowledgementRoles.Count > 0))
            .ToListAsync(ct);

    public static Task<List<VersionRow>> VersionsAsync(PorticoDb db, Guid documentId, CancellationToken ct) =>
        db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == documentId).OrderByDescending(v => v.Number)
            .Select(v => new VersionRow(v.Id, v.Number, v.Size, v.Sha256, v.ContentType, v.UploadedByName, v.FromStaff, v.CreatedAt))
            .ToListAsync(ct);

    public static Task<List<DocumentRequestRow>> RequestsAsync(IQueryable<DocumentFolder> folders, PorticoDb db, bool openOnly, CancellationToken ct) =>
        db.DocumentRequests.AsNoTracking()
            .Where(r => !openOnly || r.FulfilledAt == null)
            .Join(folders, r => r.FolderId, f => f.Id, (r, f) => new { r, f.Name })
            .OrderBy(x => x.r.FulfilledAt != null).ThenBy(x => x.r.DueOn)
            .Select(x => new DocumentRequestRow(x.r.Id, x.r.FolderId, x.Name, x.r.Title, x.r.Description, x.r.DueOn, x.r.RequestedByName,
                x.r.FulfilledAt, x.r.FulfilledByName, x.r.DocumentId))
            .ToListAsync(ct);
}
