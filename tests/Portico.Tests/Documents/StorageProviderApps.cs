using Amazon.S3.Model;

namespace Portico.Tests.Documents;

/// The app on one storage provider, with a way to look at and change what it stored, so one set of storage tests
/// runs on local disk and on an S3-compatible bucket alike.
public abstract class StorageProviderApp : PorticoApp
{
    /// Large enough for a file of several S3 parts.
    public const long MaxFileBytes = 24L * 1024 * 1024;

    protected static Dictionary<string, string?> Common() => new()
    {
        ["Documents:MaxFileBytes"] = MaxFileBytes.ToString(CultureInfo.InvariantCulture),
    };

    /// The stored bytes under the key, or null when there is no such file.
    public abstract Task<byte[]?> ReadStoredAsync(string key);

    public abstract Task ReplaceStoredAsync(string key, byte[] content);

    /// An upload that started and never finished (the process died), under a new key; null where the test server
    /// cannot show one (s3rver neither lists nor aborts multipart uploads, so on S3 only finished objects are swept here).
    public abstract Task<string?> AddUnfinishedUploadAsync();

    public abstract Task<bool> HasUnfinishedAsync(string key);
}

public sealed class LocalStorageApp : StorageProviderApp
{
    private string Root => this.StorageRoot();

    protected override IDictionary<string, string?> Settings() => Common();

    public override async Task<byte[]?> ReadStoredAsync(string key) =>
        File.Exists(BlobPath(Root, key)) ? await File.ReadAllBytesAsync(BlobPath(Root, key)) : null;

    public override Task ReplaceStoredAsync(string key, byte[] content) => File.WriteAllBytesAsync(BlobPath(Root, key), content);

    public override async Task<string?> AddUnfinishedUploadAsync()
    {
        var key = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(Path.GetDirectoryName(BlobPath(Root, key))!);
        await File.WriteAllBytesAsync(BlobPath(Root, key) + ".partial", Text("half an upload"));
        return key;
    }

    public override Task<bool> HasUnfinishedAsync(string key) => Task.FromResult(File.Exists(BlobPath(Root, key) + ".partial"));
}

/// The app storing into a bucket of its own on the shared S3-compatible test server, in parts of the smallest size.
public sealed class S3StorageApp : StorageProviderApp
{
    public string Bucket { get; } = S3Server.Shared.CreateBucketAsync().GetAwaiter().GetResult();

    protected override IDictionary<string, string?> Settings()
    {
        var settings = Common();
        foreach (var (key, value) in S3Server.Shared.Settings(Bucket))
        {
            settings[key] = value;
        }
        settings["Storage:S3:PartSizeMiB"] = "5";
        return settings;
    }

    public override async Task<byte[]?> ReadStoredAsync(string key)
    {
        using var client = S3Server.Shared.Client();
        try
        {
            using var response = await client.GetObjectAsync(Bucket, key);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy);
            return copy.ToArray();
        }
        catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public override async Task ReplaceStoredAsync(string key, byte[] content)
    {
        using var client = S3Server.Shared.Client();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(content), UseChunkEncoding = false });
    }

    public override Task<string?> AddUnfinishedUploadAsync() => Task.FromResult<string?>(null);

    public override Task<bool> HasUnfinishedAsync(string key) => Task.FromResult(false);
}
