namespace Portico.Tests.Documents;

/// The app with a storage folder of its own, two levels inside a fresh temporary directory, and a
/// small file size limit, so tests can see every file it writes and what ends up outside the root.
public sealed class DocumentStorageApp : PorticoApp
{
    public const long MaxFileBytes = 64 * 1024;

    public string Sandbox { get; } = Directory.CreateTempSubdirectory("portico-documents-").FullName;

    public string Root => Path.Combine(Sandbox, "storage", "blobs");

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Documents:MaxFileBytes"] = MaxFileBytes.ToString(CultureInfo.InvariantCulture),
        ["Storage:LocalPath"] = Root,
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try { Directory.Delete(Sandbox, recursive: true); } catch (IOException) { }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DocumentStorageCollection : ICollectionFixture<DocumentStorageApp>
{
    public const string Name = "documents-storage";
}
