using Portico.Infrastructure.Storage;

namespace Portico.Features.Documents;

/// An uploaded file: the document and the version it became.
public sealed record Upload(Document Document, DocumentVersion Version);

/// Streams an upload to storage, then records the version in one save. The blob is written
/// first and the metadata after, so a crash leaves at most an unreferenced blob, which the
/// sweeper removes; no version ever points at a missing or partial file.
public sealed class UploadDocument(PorticoDb db, IBlobStorage storage, DocumentAccess access, AuditLog audit, Insights.KeyEvents keyEvents, DocumentNotifier notifier,
    IOptions<DocumentOptions> options, TimeProvider clock, ILogger<UploadDocument> logger, IStringLocalizer<UploadDocument> text)
{
    public async Task<Outcome<Upload>> RunAsync(Guid accountId, Guid folderId, string? rawName, Stream content, DocumentActor actor,
        Guid? documentRequestId, CancellationToken ct)
    {
        // Customers only reach folders of the account in scope that their role may see.
        var folder = actor.IsStaff
            ? await db.DocumentFolders.SingleOrDefaultAsync(f => f.Id == folderId && f.AccountId == accountId, ct)
            : await access.VisibleFolders().SingleOrDefaultAsync(f => f.Id == folderId, ct);
        if (folder is null)
        {
            return Outcome.NotFound;
        }
        if (!actor.IsStaff && !access.MayUpload(folder))
        {
            return Outcome.Refused(text["Your role cannot upload to the folder {0}.", folder.Name]);
        }
        DocumentRequest? request = null;
        if (documentRequestId is { } requestId)
        {
            request = await db.DocumentRequests.SingleOrDefaultAsync(r => r.Id == requestId && r.AccountId == folder.AccountId, ct);
            if (request is null)
            {
                return Outcome.NotFound;
            }
            if (request.FolderId != folder.Id)
            {
                return Outcome.Refused(text["That document request does not belong to this folder."]);
            }
            if (request.FulfilledAt is not null)
            {
                return Outcome.Refused(text["That document request was already fulfilled."]);
            }
        }
        var (name, nameError) = FileChecks.CleanName(rawName, text);
        if (name is null)
        {
            return Outcome.Refused(nameError!);
        }
        if (FileChecks.CheckExtension(name, options.Value, text) is { } extensionError)
        {
            return Outcome.Refused(extensionError);
        }

        StoredBlob blob;
        try
        {
            blob = await storage.WriteAsync(content, options.Value.MaxFileBytes, ct);
        }
        catch (BlobTooLargeException e)
        {
            return Outcome.Refused(text["\"{0}\" is larger than the limit of {1}.", name, Requests.RequestForm.FormatSize(e.Limit)]);
        }
        var saved = false;
        try
        {
            if (blob.Size == 0)
            {
                return Outcome.Refused(text["\"{0}\" is empty.", name]);
            }
            var contentType = FileChecks.DetectContentType(name, blob.Head);
            if (contentType is null)
            {
                return Outcome.Refused(FileChecks.ContentMismatch(name, text));
            }
            var result = await RecordAsync(folder, name, blob, contentType, actor, request, ct);
            saved = true;
            Infrastructure.Telemetry.PorticoMetrics.Uploaded("document", blob.Size);
            return result;
        }
        finally
        {
            if (!saved)
            {
                await DeleteQuietlyAsync(blob.Key);
            }
        }
    }

    private async Task<Outcome<Upload>> RecordAsync(DocumentFolder folder, string name, StoredBlob blob, string contentType, DocumentActor actor,
        DocumentRequest? request, CancellationToken ct)
    {
        // Uploads of one name queue on the document: it is locked before its version count is read, so each
        // gets the next version. Two uploads of a new name at once: the unique index refuses the second,
        // which then adds a version to the document the first created.
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var normalized = name.ToUpperInvariant();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var sameName = db.Documents.Where(d => d.FolderId == folder.Id && d.NormalizedName == normalized);
            // Nothing locked means a new name. A document of that name created since is not read unlocked:
            // the insert below fails on the unique name and the next attempt locks it.
            var locked = await sameName.ExecuteUpdateAsync(s => s.SetProperty(d => d.VersionCount, d => d.VersionCount), ct);
            var document = locked == 0 ? null : await sameName.SingleAsync(ct);
            if (document is null)
            {
                document = new Document(folder.AccountId, folder.Id, name, now);
                db.Documents.Add(document);
            }
            var version = document.AddVersion(Guid.NewGuid(), blob.Key, blob.Size, blob.Sha256, contentType, actor.UserId, actor.Name, actor.IsStaff, now);
            db.DocumentVersions.Add(version);
            audit.Record(AuditActions.DocumentUploaded, folder.AccountId, "Document", document.Id.ToString(),
                new { name, folder = folder.Name, version = version.Number, size = blob.Size, sha256 = blob.Sha256, contentType });
            keyEvents.Record(Insights.KeyEventKind.DocumentUploaded, folder.AccountId, actor.UserId, actor.IsStaff ? Insights.Channel.StaffOnBehalf : null);
            if (request is not null)
            {
                request.Fulfil(document.Id, actor.Name, now);
                audit.Record(AuditActions.DocumentRequestFulfilled, folder.AccountId, "DocumentRequest", request.Id.ToString(),
                    new { request.Title, document = document.Id });
            }
            await notifier.UploadedAsync(folder, document, version, request, ct);
            if (actor.IsStaff)
            {
                await notifier.SharedByStaffAsync(folder, document, version.Number, actor.Name, ct);
            }
            else
            {
                await notifier.UploadedByCustomerAsync(folder, document, actor.Name, request, ct);
            }
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                db.SignalOutbox();
                return new Upload(document, version);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                if (request is not null)
                {
                    request = await db.DocumentRequests.SingleAsync(r => r.Id == request.Id, ct);
                    if (request.FulfilledAt is not null)
                    {
                        return Outcome.Refused(text["That document request was fulfilled by someone else just now."]);
                    }
                }
            }
        }
    }

    private async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            await storage.DeleteAsync(key, CancellationToken.None);
        }
        catch (IOException e)
        {
            // The sweeper removes it later.
            logger.LogWarning(e, "Could not remove unused blob {Key}", key);
        }
    }
}
