using Portico.Infrastructure.Storage;

namespace Portico.Features.Documents;

/// Serves one stored version: checks its SHA-256 against the stored one before sending a byte,
/// audits the download, and always sends it as an attachment so nothing renders from the portal's origin.
public sealed class DocumentFiles(PorticoDb db, IBlobStorage storage, AuditLog audit, Insights.KeyEvents keyEvents, ILogger<DocumentFiles> logger)
{
    public async Task<IResult> DownloadAsync(IQueryable<Document> visible, Guid documentId, Guid versionId, HttpContext http, CancellationToken ct)
    {
        var found = await db.DocumentVersions.AsNoTracking()
            .Where(v => v.Id == versionId && v.DocumentId == documentId)
            .Join(visible, v => v.DocumentId, d => d.Id, (v, d) => new { Version = v, d.Name, d.AccountId })
            .SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return Results.NotFound();
        }
        var version = found.Version;
        var stream = await storage.OpenIntactAsync(version.StorageKey, version.Sha256, ct);
        if (stream is null)
        {
            audit.Record(AuditActions.DocumentIntegrityFailed, found.AccountId, "Document", documentId.ToString(), new { version = version.Number, expected = version.Sha256 });
            await db.SaveChangesAsync(ct);
            logger.LogError("Stored file for document {DocumentId} version {Version} does not match its SHA-256", documentId, version.Number);
            return BlobDownloads.Damaged();
        }
        try
        {
            audit.Record(AuditActions.DocumentDownloaded, found.AccountId, "Document", documentId.ToString(),
                new { name = found.Name, version = version.Number, versionId });
            keyEvents.Record(Insights.KeyEventKind.DocumentDownloaded, found.AccountId);
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }

        return BlobDownloads.Send(http, stream, FileChecks.ServedContentType(version.ContentType), found.Name, version.Sha256, version.CreatedAt);
    }
}
