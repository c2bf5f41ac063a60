using System.Security.Cryptography;

namespace Portico.Infrastructure.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// Folder for stored files, relative to the content root unless absolute. Never under wwwroot.
    [Required]
    public string LocalPath { get; set; } = "data/blobs";

    /// Blobs without metadata and unfinished uploads older than this are removed by the sweeper.
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan OrphanAge { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(30);
}

/// What was written: where, how big, its SHA-256, and its first bytes for type detection.
public sealed record StoredBlob(string Key, long Size, string Sha256, byte[] Head);

public sealed class BlobTooLargeException(long limit) : Exception($"The file is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// Where file contents live. Metadata lives in the database and points here by key.
/// Local disk by default; an S3-compatible store implements the same five operations.
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
