using Portico.Features.Documents;
using Portico.Infrastructure.Storage;

namespace Portico.Features.Requests;

/// A checked file written to blob storage, waiting for its attachment row.
public sealed record StoredAttachment(string FileName, string ContentType, StoredBlob Blob);

/// Files written for one save. Disposed without Keep (the save failed or was refused), they are
/// removed again; a crash in between leaves only unreferenced blobs, which the sweeper removes.
public sealed class StoredAttachments(IBlobStorage storage, ILogger logger, List<StoredAttachment> files) : IAsyncDisposable
{
    private bool _kept;

    public IReadOnlyList<StoredAttachment> Files => files;

    public void Keep()
    {
        _kept = true;
        foreach (var file in files)
        {
            Infrastructure.Telemetry.PorticoMetrics.Uploaded("attachment", file.Blob.Size);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_kept)
        {
            return;
        }
        foreach (var file in files)
        {
            try
            {
                await storage.DeleteAsync(file.Blob.Key, CancellationToken.None);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "Could not remove unused attachment blob {Key}; the sweeper removes it later", file.Blob.Key);
            }
        }
    }
}

/// Request attachments are stored and served like documents: blobs with a SHA-256 checked on every download.
public sealed class AttachmentFiles(PorticoDb db, IBlobStorage storage, AuditLog audit, ILogger<AttachmentFiles> logger)
{
    /// Writes already validated files (RequestForm.CheckFiles) to storage before the rows that point to them are saved.
    public async Task<StoredAttachments> StoreAsync(IEnumerable<UploadedFile> files, CancellationToken ct)
    {
        var written = new List<StoredAttachment>();
        var stored = new StoredAttachments(storage, logger, written);
        try
        {
            foreach (var file in files)
            {
                using var content = new MemoryStream(file.Content, writable: false);
                var blob = await storage.WriteAsync(content, file.Content.Length, ct);
                var contentType = FileChecks.DetectContentType(file.FileName, blob.Head) ?? "application/octet-stream";
                written.Add(new StoredAttachment(file.FileName, contentType, blob));
            }
            return stored;
        }
        catch
        {
            await stored.DisposeAsync();
            throw;
        }
    }

    public async Task<IResult> DownloadAsync(RequestAttachment? attachment, HttpContext http, CancellationToken ct)
    {
        if (attachment?.StorageKey is null || attachment.Sha256 is null)
        {
            return Results.NotFound();
        }
        var stream = await storage.OpenIntactAsync(attachment.StorageKey, attachment.Sha256, ct);
        if (stream is null)
        {
            audit.Record(AuditActions.RequestAttachmentIntegrityFailed, attachment.AccountId, "Request", attachment.RequestId.ToString(),
                new { attachment = attachment.Id, expected = attachment.Sha256 });
            await db.SaveChangesAsync(ct);
            logger.LogError("Stored file of attachment {AttachmentId} on request {RequestId} does not match its SHA-256", attachment.Id, attachment.RequestId);
            return BlobDownloads.Damaged();
        }
        return BlobDownloads.Send(http, stream, FileChecks.ServedContentType(attachment.ContentType), attachment.FileName, attachment.Sha256, attachment.CreatedAt);
    }
}

/// Moves attachments saved before blob storage (bytes in the database) into blob storage, at start-up
/// after migrations. Each row is written to storage first and then switched over in one update that only
/// applies while the row still holds its bytes, so a crash or a second node starting at once loses nothing:
/// the worst case is an unreferenced blob, which the sweeper removes.
public sealed class AttachmentStorageMove(IServiceScopeFactory scopes, IBlobStorage storage, ILogger<AttachmentStorageMove> logger)
{
    private const int Batch = 20;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var moved = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
            var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
            var rows = await db.RequestAttachments.AsNoTracking()
                .Where(a => a.LegacyContent != null)
                .OrderBy(a => a.Id).Take(Batch)
                .Select(a => new { a.Id, a.FileName, a.LegacyContent })
                .ToListAsync(ct);
            if (rows.Count == 0)
            {
                break;
            }
            foreach (var row in rows)
            {
                StoredBlob blob;
                using (var content = new MemoryStream(row.LegacyContent!, writable: false))
                {
                    blob = await storage.WriteAsync(content, row.LegacyContent!.Length, ct);
                }
                // Older attachments were typed by extension only; the bytes decide now, as on upload.
                var contentType = FileChecks.DetectContentType(row.FileName, blob.Head) ?? "application/octet-stream";
                var updated = await db.RequestAttachments
                    .Where(a => a.Id == row.Id && a.LegacyContent != null)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(a => a.StorageKey, blob.Key)
                        .SetProperty(a => a.Sha256, blob.Sha256)
                        .SetProperty(a => a.Size, blob.Size)
                        .SetProperty(a => a.ContentType, contentType)
                        .SetProperty(a => a.LegacyContent, (byte[]?)null), ct);
                if (updated == 0)
                {
                    // Another node moved it meanwhile.
                    await storage.DeleteAsync(blob.Key, ct);
                    continue;
                }
                moved++;
            }
        }
        if (moved > 0)
        {
            logger.LogInformation("Moved {Count} request attachments from the database to blob storage", moved);
        }
        return moved;
    }
}
