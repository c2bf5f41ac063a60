using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Portico.Infrastructure.Storage;

/// Blobs in an S3-compatible bucket. An upload is sent in parts of a fixed size, so a 1 GiB file needs one part's
/// memory; the object only appears when the last part is complete, and a failed upload is aborted, so nothing
/// half-written is ever visible. Unfinished multipart uploads (a crash in between) are what the sweeper removes.
public sealed class S3BlobStorage : IBlobStorage, IDisposable
{
    private const int HeadLength = 512;
    /// Object metadata: the SHA-256 computed while uploading, for the copy command's check and for operators.
    public const string Sha256Metadata = "sha256";

    private readonly AmazonS3Client _client;
    private readonly S3StorageOptions _options;
    private readonly string _bucket;

    public S3BlobStorage(IOptions<StorageOptions> options) : this(options.Value.S3)
    {
    }

    public S3BlobStorage(S3StorageOptions options)
    {
        _options = options;
        _bucket = options.Bucket ?? throw new ArgumentException("Storage:S3:Bucket is required.", nameof(options));
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            // Services other than AWS do not all take the SDK's newer checksum headers; the SHA-256 is checked here anyway.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 2,
            Timeout = TimeSpan.FromSeconds(100),
        };
        if (string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
        }
        _client = string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    private int PartSize => _options.PartSizeMiB * 1024 * 1024;

    // Keys are generated here, never taken from users.
    private string ObjectKey(string key) =>
        Guid.TryParseExact(key, "N", out _) ? _options.Prefix + key : throw new ArgumentException("Not a blob key.", nameof(key));

    public Task<StoredBlob> WriteAsync(Stream content, long maxBytes, CancellationToken cancellationToken) =>
        WriteAsAsync(Guid.NewGuid().ToString("N"), content, maxBytes, cancellationToken);

    /// Writes under a given key: for copying an existing store, whose keys the database already holds. A SHA-256 known
    /// beforehand goes into the metadata of large files too, and the content must match it.
    public async Task<StoredBlob> WriteAsAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken, string? knownSha256 = null)
    {
        var objectKey = ObjectKey(key);
        var buffer = ArrayPool<byte>.Shared.Rent(PartSize);
        string? uploadId = null;
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[]? head = null;
            long size = 0;
            var parts = new List<PartETag>();
            while (true)
            {
                var filled = await FillAsync(content, buffer, PartSize, cancellationToken);
                size += filled;
                if (size > maxBytes)
                {
                    throw new BlobTooLargeException(maxBytes);
                }
                sha.AppendData(buffer, 0, filled);
                head ??= buffer[..Math.Min(HeadLength, filled)];
                var last = filled < PartSize;
                if (last && uploadId is null)
                {
                    // Small enough for one request.
                    var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
                    var put = new PutObjectRequest
                    {
                        BucketName = _bucket,
                        Key = objectKey,
                        InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                        AutoCloseStream = false,
                        UseChunkEncoding = false,
                    };
                    Describe(put.Metadata, hash);
                    put.ServerSideEncryptionMethod = Encryption();
                    put.ServerSideEncryptionKeyManagementServiceKeyId = KmsKey();
                    await CallAsync(() => _client.PutObjectAsync(put, cancellationToken), "store the file");
                    return new StoredBlob(key, size, hash, head);
                }
                if (uploadId is null)
                {
                    // Multipart metadata is fixed at the start, so a new upload's hash, known only at the end, is left out.
                    var start = new InitiateMultipartUploadRequest
                    {
                        BucketName = _bucket,
                        Key = objectKey,
                        ServerSideEncryptionMethod = Encryption(),
                        ServerSideEncryptionKeyManagementServiceKeyId = KmsKey(),
                    };
                    if (knownSha256 is not null)
                    {
                        Describe(start.Metadata, knownSha256);
                    }
                    uploadId = (await CallAsync(() => _client.InitiateMultipartUploadAsync(start, cancellationToken), "start the upload")).UploadId;
                }
                if (filled > 0 || parts.Count == 0)
                {
                    var part = new UploadPartRequest
                    {
                        BucketName = _bucket,
                        Key = objectKey,
                        UploadId = uploadId,
                        PartNumber = parts.Count + 1,
                        InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                        UseChunkEncoding = false,
                    };
                    var uploaded = await CallAsync(() => _client.UploadPartAsync(part, cancellationToken), "store part of the file");
                    parts.Add(new PartETag(part.PartNumber ?? parts.Count + 1, uploaded.ETag));
                }
                if (last)
                {
                    var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
                    if (knownSha256 is not null && hash != knownSha256)
                    {
                        throw new IOException($"The content of {key} changed while it was copied.");
                    }
                    var complete = new CompleteMultipartUploadRequest { BucketName = _bucket, Key = objectKey, UploadId = uploadId, PartETags = parts };
                    await CallAsync(() => _client.CompleteMultipartUploadAsync(complete, cancellationToken), "finish the upload");
                    uploadId = null;
                    return new StoredBlob(key, size, hash, head);
                }
            }
        }
        catch when (uploadId is not null)
        {
            await AbortQuietlyAsync(objectKey, uploadId);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<int> FillAsync(Stream content, byte[] buffer, int length, CancellationToken ct)
    {
        var filled = 0;
        int read;
        while (filled < length && (read = await content.ReadAsync(buffer.AsMemory(filled, length - filled), ct)) > 0)
        {
            filled += read;
        }
        return filled;
    }

    private static void Describe(MetadataCollection metadata, string sha256) => metadata.Add(Sha256Metadata, sha256);

    private ServerSideEncryptionMethod? Encryption() =>
        string.IsNullOrEmpty(_options.ServerSideEncryption) ? null : ServerSideEncryptionMethod.FindValue(_options.ServerSideEncryption);

    private string? KmsKey() => string.IsNullOrEmpty(_options.KmsKeyId) ? null : _options.KmsKeyId;

    private async Task AbortQuietlyAsync(string objectKey, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = objectKey, UploadId = uploadId });
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            // Left for the sweeper, which aborts unfinished uploads older than Storage:OrphanAge.
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await CallAsync(() => _client.GetObjectAsync(_bucket, ObjectKey(key), cancellationToken), "read the file");
            return response.ResponseStream;
        }
        catch (BlobStorageUnavailableException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            throw new FileNotFoundException($"No blob {key} in bucket {_bucket}.", e);
        }
    }

    /// The object's stored SHA-256 metadata, or null when it is missing or was uploaded in parts.
    public async Task<string?> StoredSha256Async(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await _client.GetObjectMetadataAsync(_bucket, ObjectKey(key), cancellationToken);
            return head.Metadata[Sha256Metadata];
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        await CallAsync(() => _client.DeleteObjectAsync(_bucket, objectKey, cancellationToken), "remove the file");
        await foreach (var upload in UnfinishedAsync(objectKey, cancellationToken))
        {
            await CallAsync(() => _client.AbortMultipartUploadAsync(_bucket, upload.Key, upload.UploadId, cancellationToken), "abort an unfinished upload");
        }
    }

    public async IAsyncEnumerable<(string Key, DateTime LastWriteUtc, bool Unfinished)> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _options.Prefix };
        ListObjectsV2Response page;
        do
        {
            page = await CallAsync(() => _client.ListObjectsV2Async(request, cancellationToken), "list the files");
            foreach (var item in page.S3Objects ?? [])
            {
                if (KeyOf(item.Key) is { } key)
                {
                    yield return (key, item.LastModified?.ToUniversalTime() ?? DateTime.MinValue, false);
                }
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        await foreach (var upload in UnfinishedAsync(_options.Prefix, cancellationToken))
        {
            if (KeyOf(upload.Key) is { } key)
            {
                yield return (key, upload.Initiated?.ToUniversalTime() ?? DateTime.MinValue, true);
            }
        }
    }

    private string? KeyOf(string objectKey)
    {
        if (!objectKey.StartsWith(_options.Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var key = objectKey[_options.Prefix.Length..];
        return Guid.TryParseExact(key, "N", out _) ? key : null;
    }

    private async IAsyncEnumerable<MultipartUpload> UnfinishedAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListMultipartUploadsRequest { BucketName = _bucket, Prefix = prefix };
        ListMultipartUploadsResponse page;
        do
        {
            try
            {
                page = await CallAsync(() => _client.ListMultipartUploadsAsync(request, cancellationToken), "list unfinished uploads");
            }
            catch (BlobStorageUnavailableException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotImplemented })
            {
                // Some S3-compatible services cannot list them; a bucket lifecycle rule that aborts incomplete
                // multipart uploads does the same job there (see the README).
                yield break;
            }
            foreach (var upload in page.MultipartUploads ?? [])
            {
                yield return upload;
            }
            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
        while (page.IsTruncated == true);
    }

    /// Reaches the bucket once, for the start-up check: null when it answers, else what is wrong, naming the setting.
    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        var where = string.IsNullOrEmpty(_options.ServiceUrl) ? $"region {_options.Region}" : _options.ServiceUrl;
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = _options.Prefix, MaxKeys = 1 }, cancellationToken);
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return $"The bucket \"{_bucket}\" (Storage:S3:Bucket) does not exist at {where} (Storage:S3:ServiceUrl). Create it, or correct the setting.";
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            return $"The bucket \"{_bucket}\" (Storage:S3:Bucket) at {where} refused these credentials (Storage:S3:AccessKey, Storage:S3:SecretKey): {e.Message}";
        }
        catch (AmazonServiceException e) when (e.StatusCode > 0)
        {
            return $"The storage service at {where} (Storage:S3:ServiceUrl) did not list bucket \"{_bucket}\" (Storage:S3:Bucket): {Reason(e)}";
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or TaskCanceledException)
        {
            return $"The storage service at {where} (Storage:S3:ServiceUrl) could not be reached for bucket \"{_bucket}\" (Storage:S3:Bucket): {Reason(e)}";
        }
    }

    /// What went wrong in the service's own words, or the network error beneath the SDK's wrappers.
    private static string Reason(Exception e) => e switch
    {
        AmazonServiceException { StatusCode: > 0 } service => $"it answered {(int)service.StatusCode} {service.ErrorCode} {service.Message}".TrimEnd(),
        { InnerException: { } inner } => Reason(inner),
        _ => e.Message,
    };

    /// Failures of the service become one exception the web answers with 503; a cancelled request stays cancelled.
    private static async Task<T> CallAsync<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException)
        {
            throw new BlobStorageUnavailableException($"The file storage could not {what}: {Reason(e)}", e);
        }
    }

    public void Dispose() => _client.Dispose();
}
