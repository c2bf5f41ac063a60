using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Portico.Features.Audit;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Storage;

namespace Portico.Features.Documents;

/// Serves one stored version: checks its SHA-256 against the stored one before sending a byte,
/// audits the download, and always sends it as an attachment so nothing renders from the portal's origin.
public sealed class DocumentFiles(PorticoDb db, IBlobStorage storage, AuditLog audit, ILogger<DocumentFiles> logger)
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
        if (!await IntactAsync(version, ct))
        {
            audit.Record(AuditActions.DocumentIntegrityFailed, found.AccountId, "Document", documentId.ToString(), new { version = version.Number, expected = version.Sha256 });
            await db.SaveChangesAsync(ct);
            logger.LogError("Stored file for document {DocumentId} version {Version} does not match its SHA-256", documentId, version.Number);
            return Results.Problem("This file is damaged in storage and cannot be served. The team has been alerted.", statusCode: StatusCodes.Status500InternalServerError);
        }
        audit.Record(AuditActions.DocumentDownloaded, found.AccountId, "Document", documentId.ToString(),
            new { name = found.Name, version = version.Number, versionId });
        await db.SaveChangesAsync(ct);

        http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        http.Response.Headers["X-Checksum-SHA256"] = version.Sha256;
        var stream = await storage.OpenReadAsync(version.StorageKey, ct);
        return Results.Stream(stream, FileChecks.ServedContentType(version.ContentType), found.Name,
            lastModified: version.CreatedAt, entityTag: new EntityTagHeaderValue($"\"{version.Sha256}\""));
    }

    private async Task<bool> IntactAsync(DocumentVersion version, CancellationToken ct)
    {
        try
        {
            await using var stream = await storage.OpenReadAsync(version.StorageKey, ct);
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
            return hash == version.Sha256;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }
}
