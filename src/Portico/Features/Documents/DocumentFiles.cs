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
        var stream = await OpenIntactAsync(version, ct);
        if (stream is null)
        {
            audit.Record(AuditActions.DocumentIntegrityFailed, found.AccountId, "Document", documentId.ToString(), new { version = version.Number, expected = version.Sha256 });
            await db.SaveChangesAsync(ct);
            logger.LogError("Stored file for document {DocumentId} version {Version} does not match its SHA-256", documentId, version.Number);
            return Results.Problem("This file is damaged in storage and cannot be served. The team has been alerted.", statusCode: StatusCodes.Status500InternalServerError);
        }
        try
        {
            audit.Record(AuditActions.DocumentDownloaded, found.AccountId, "Document", documentId.ToString(),
                new { name = found.Name, version = version.Number, versionId });
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }

        http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        http.Response.Headers["X-Checksum-SHA256"] = version.Sha256;
        return Results.Stream(stream, FileChecks.ServedContentType(version.ContentType), found.Name,
            lastModified: version.CreatedAt, entityTag: new EntityTagHeaderValue($"\"{version.Sha256}\""));
    }

    /// The stored file, checked against its SHA-256 and rewound for sending; null when missing or damaged.
    /// One open serves both the check and the transfer.
    private async Task<Stream?> OpenIntactAsync(DocumentVersion version, CancellationToken ct)
    {
        Stream stream;
        try
        {
            stream = await storage.OpenReadAsync(version.StorageKey, ct);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var keep = false;
        try
        {
            if (Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct)) != version.Sha256)
            {
                return null;
            }
            if (!stream.CanSeek)
            {
                return await storage.OpenReadAsync(version.StorageKey, ct);
            }
            stream.Position = 0;
            keep = true;
            return stream;
        }
        finally
        {
            if (!keep)
            {
                await stream.DisposeAsync();
            }
        }
    }
}
