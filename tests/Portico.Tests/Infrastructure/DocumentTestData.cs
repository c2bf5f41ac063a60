namespace Portico.Tests.Infrastructure;

/// Folders and documents written through the real storage, for tests that need them to exist.
public static class DocumentTestData
{
    public static Task<DocumentFolder> CreateFolderAsync(this PorticoApp app, Account account, string? name = null, bool staffOnly = false,
        IEnumerable<string>? viewRoles = null, IEnumerable<string>? uploadRoles = null) => app.WithDbAsync(async (db, _) =>
    {
        var folder = new DocumentFolder(account.Id, name ?? "Folder " + PorticoApp.Unique(), staffOnly, viewRoles ?? [], uploadRoles ?? [], DateTime.UtcNow);
        db.DocumentFolders.Add(folder);
        await db.SaveChangesAsync();
        return folder;
    });

    public static Task<(Document Document, DocumentVersion Version)> CreateDocumentAsync(this PorticoApp app, DocumentFolder folder, PorticoUser uploader,
        string name, byte[] content) => app.WithDbAsync(async (db, services) =>
    {
        var storage = services.GetRequiredService<IBlobStorage>();
        using var stream = new MemoryStream(content);
        var blob = await storage.WriteAsync(stream, content.Length, CancellationToken.None);
        var document = new Document(folder.AccountId, folder.Id, name, DateTime.UtcNow);
        var version = document.AddVersion(Guid.NewGuid(), blob.Key, blob.Size, blob.Sha256, "text/plain", uploader.Id, uploader.DisplayName, uploader.IsStaff, DateTime.UtcNow);
        db.Documents.Add(document);
        db.DocumentVersions.Add(version);
        await db.SaveChangesAsync();
        return (document, version);
    });
}
