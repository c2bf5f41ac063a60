using Amazon.S3.Model;

namespace Portico.Tests.Documents;

/// What happens when the bucket is missing, the storage service is down, or an upload breaks off: a clear answer
/// naming what to fix, and nothing half-written left visible.
public sealed class S3StorageFaultTests
{
    private static async Task<List<string>> ObjectsInAsync(S3Server server, string bucket)
    {
        using var client = server.Client();
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        return (listed.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    [Fact]
    public async Task An_upload_into_a_bucket_removed_since_start_up_answers_503_and_saves_no_version()
    {
        var bucket = await S3Server.Shared.CreateBucketAsync();
        await using var app = new ConfiguredApp(S3Server.Shared.Settings(bucket));
        var (account, folder, client) = await app.SignedInOwnerWithFolderAsync();
        using var _ = client;
        using (var s3 = S3Server.Shared.Client())
        {
            await s3.DeleteBucketAsync(bucket);
        }

        var api = await client.UploadByApiAsync(account.Id, folder.Id, "notes.txt", Text("notes"));
        var page = await client.UploadOnPageAsync(account.Id, folder.Id, "notes.txt", Text("notes"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
        Assert.Contains(StorageUnavailableAnswer.Detail, await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("Files cannot be stored right now", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await app.VersionsInAsync(folder.Id));
        Assert.Empty(await app.DocumentsInAsync(folder.Id));
    }

    [Fact]
    public async Task An_upload_while_the_storage_service_is_down_answers_503_and_leaves_nothing_behind()
    {
        using var server = new S3Server();
        var bucket = await server.CreateBucketAsync();
        await using var app = new ConfiguredApp(server.Settings(bucket));
        var (account, folder, client) = await app.SignedInOwnerWithFolderAsync();
        using var _ = client;
        Assert.Equal(HttpStatusCode.Created, (await client.UploadByApiAsync(account.Id, folder.Id, "before.txt", Text("before"))).StatusCode);

        server.Stop();
        var response = await client.UploadByApiAsync(account.Id, folder.Id, "during.txt", Text("during the outage"));
        server.Start();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var version = Assert.Single(await app.VersionsInAsync(folder.Id));
        Assert.Equal([version.StorageKey], await ObjectsInAsync(server, bucket));
        // Back up: uploads work again without a restart.
        Assert.Equal(HttpStatusCode.Created, (await client.UploadByApiAsync(account.Id, folder.Id, "after.txt", Text("after"))).StatusCode);
    }

    /// Gives its bytes, then fails as a client that went away does.
    private sealed class BreaksOffAfter(long length) : Stream
    {
        private long _sent;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _sent; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_sent >= length)
            {
                throw new IOException("The client went away.");
            }
            var n = (int)Math.Min(count, length - _sent);
            Array.Fill(buffer, (byte)'x', offset, n);
            _sent += n;
            return n;
        }
    }

    [Fact]
    public async Task An_upload_that_breaks_off_after_some_parts_leaves_no_object_in_the_bucket()
    {
        var bucket = await S3Server.Shared.CreateBucketAsync();
        var options = S3Server.Shared.Options(bucket);
        options.PartSizeMiB = 5;
        using var storage = new S3BlobStorage(options);

        // Two whole parts are sent before the content fails.
        await Assert.ThrowsAsync<IOException>(() => storage.WriteAsync(new BreaksOffAfter(11L * 1024 * 1024), long.MaxValue, CancellationToken.None));

        Assert.Empty(await ObjectsInAsync(S3Server.Shared, bucket));
    }

    [Fact]
    public async Task An_unreachable_storage_service_stops_start_up_with_a_message_naming_the_setting()
    {
        var directory = Directory.CreateTempSubdirectory("portico-s3-start-").FullName;
        using var mail = new SmtpSink();
        try
        {
            var (provider, connectionString) = TestDatabase.CreateNew(directory);
            // A loopback port nothing listens on.
            var nobody = SmtpSink.FreePort();
            using var process = AppProcess.Start(directory, provider, connectionString, SmtpSink.FreePort(), mail.Port, new Dictionary<string, string>
            {
                ["Storage__Provider"] = "S3",
                ["Storage__S3__ServiceUrl"] = $"http://127.0.0.1:{nobody}",
                ["Storage__S3__Bucket"] = "portico-files",
                ["Storage__S3__ForcePathStyle"] = "true",
                ["Storage__S3__AccessKey"] = S3Server.AccessKey,
                ["Storage__S3__SecretKey"] = S3Server.SecretKey,
            });
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            await Task.Delay(200);
            var output = AppProcess.LastOutput(process);

            Assert.Equal(1, process.ExitCode);
            Assert.Contains($"The storage service at http://127.0.0.1:{nobody} (Storage:S3:ServiceUrl) could not be reached for bucket \"portico-files\" (Storage:S3:Bucket)",
                output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
