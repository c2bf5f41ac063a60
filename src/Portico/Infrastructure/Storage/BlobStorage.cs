namespace Portico.Infrastructure.Storage;

public enum StorageProvider
{
    Local,
    S3,
}

public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    /// Local disk (one node) or an S3-compatible bucket (any number of nodes).
    public StorageProvider Provider { get; set; } = StorageProvider.Local;

    public S3StorageOptions S3 { get; set; } = new();

    /// Folder for stored files, relative to the content root unless absolute. Never under wwwroot.
    [Required]
    public string LocalPath { get; set; } = "data/blobs";

    /// Blobs without metadata and unfinished uploads older than this are removed by the sweeper.
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan OrphanAge { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Provider == StorageProvider.S3 ? S3.Problems() : [];
}

/// Where an S3-compatible bucket is and how to reach it. Names follow the S3 API so any provider's guide applies.
public sealed class S3StorageOptions
{
    /// The service's address, e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000 for MinIO; empty means AWS by Region.
    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";

    public string? Bucket { get; set; }

    /// Empty means the SDK's usual sources (environment, instance role).
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// bucket in the path (http://host/bucket/key) rather than the host name; most self-hosted services need it.
    public bool ForcePathStyle { get; set; }

    /// Put before every object key, to share a bucket with other data.
    public string Prefix { get; set; } = "";

    /// Empty (the bucket's default), AES256, or aws:kms with KmsKeyId.
    public string? ServerSideEncryption { get; set; }

    public string? KmsKeyId { get; set; }

    /// Size of each part of a multipart upload, and so the memory one upload holds; S3 takes 5 MiB at least.
    public int PartSizeMiB { get; set; } = 8;

    public IEnumerable<ValidationResult> Problems()
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            yield return new ValidationResult("Storage:S3:Bucket is required when Storage:Provider is S3.", ["Storage:S3:Bucket"]);
        }
        if (!string.IsNullOrEmpty(ServiceUrl) && !(Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            yield return new ValidationResult($"Storage:S3:ServiceUrl must be an http or https address, not \"{ServiceUrl}\".", ["Storage:S3:ServiceUrl"]);
        }
        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            yield return new ValidationResult("Storage:S3:AccessKey and Storage:S3:SecretKey are set together or not at all.", ["Storage:S3:AccessKey"]);
        }
        if (ServerSideEncryption is { Length: > 0 } sse && sse is not ("AES256" or "aws:kms"))
        {
            yield return new ValidationResult($"Storage:S3:ServerSideEncryption is AES256, aws:kms or empty, not \"{sse}\".", ["Storage:S3:ServerSideEncryption"]);
        }
        if (PartSizeMiB is < 5 or > 512)
        {
            yield return new ValidationResult("Storage:S3:PartSizeMiB must be between 5 and 512.", ["Storage:S3:PartSizeMiB"]);
        }
    }
}

/// The store cannot be reached or refused the operation; the request may be tried again later (503).
/// An IOException, so callers that already tolerate a failed clean-up of local files tolerate this too.
public sealed class BlobStorageUnavailableException(string message, Exception? inner = null) : IOException(message, inner);

/// What was written: where, how big, its SHA-256, and its first bytes for type detection.
public sealed record StoredBlob(string Key, long Size, string Sha256, byte[] Head);

public sealed class BlobTooLargeException(long limit) : Exception($"The file is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// Where file contents live. Metadata lives in the database and points here by key.
/// Local disk by default, or an S3-compatible bucket (S3BlobStorage).
public interface IBlobStorage
{
    /// Streams the content into a new blob, hashing as it goes, never holding it all in memory.
    /// The blob becomes visible under its key only once complete; on failure nothing remains.
    Task<StoredBlob> WriteAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// Removes the blob and any unfinished upload under the key.
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// Completed blobs and unfinished uploads with their last write time, for the sweeper.
    IAsyncEnumerable<(string Key, DateTime LastWriteUtc, bool Unfinished)> ListAsync(CancellationToken cancellationToken);
}

public sealed class LocalDiskBlobStorage : IBlobStorage
{
    private const string PartialSuffix = ".partial";
    private const int HeadLength = 512;
    private readonly string _root;

    public LocalDiskBlobStorage(IOptions<StorageOptions> options, IHostEnvironment environment)
    {
        _root = Path.GetFullPath(options.Value.LocalPath, environment.ContentRootPath);
        Directory.CreateDirectory(_root);
    }

    // Keys are generated here, never taken from users, so they cannot point outside the root.
    private string PathFor(string key) =>
        Guid.TryParseExact(key, "N", out _) ? Path.Combine(_root, key[..2], key) : throw new ArgumentException("Not a blob key.", nameof(key));

    public async Task<StoredBlob> WriteAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var key = Guid.NewGuid().ToString("N");
        var path = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + PartialSuffix;
        var head = new byte[HeadLength];
        var headLength = 0;
        long size = 0;
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new BlobTooLargeException(maxBytes);
                    }
                    if (headLength < HeadLength)
                    {
                        var take = Math.Min(HeadLength - headLength, read);
                        Buffer.BlockCopy(buffer, 0, head, headLength, take);
                        headLength += take;
                    }
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(partial, path);
            return new StoredBlob(key, size, Convert.ToHexStringLower(sha.GetHashAndReset()), head[..headLength]);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(PathFor(key), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan));

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathFor(key));
        File.Delete(PathFor(key) + PartialSuffix);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<(string Key, DateTime LastWriteUtc, bool Unfinished)> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var path in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(path);
            var unfinished = name.EndsWith(PartialSuffix, StringComparison.Ordinal);
            var key = unfinished ? name[..^PartialSuffix.Length] : name;
            if (Guid.TryParseExact(key, "N", out _))
            {
                yield return (key, File.GetLastWriteTimeUtc(path), unfinished);
            }
        }
        await Task.CompletedTask;
    }
}
