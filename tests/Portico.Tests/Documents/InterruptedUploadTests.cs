using Microsoft.Extensions.Logging.Abstractions;

namespace Portico.Tests.Documents;

/// Uploads that break off midway, and the sweeper that clears what crashed uploads leave behind.
[Collection(DocumentStorageCollection.Name)]
public sealed class InterruptedUploadTests(DocumentStorageApp app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static StreamContent Body(SlowStream stream)
    {
        var content = new StreamContent(stream);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static async Task<string> PartialAppearsAsync(string root)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var partial = FilesUnder(root).FirstOrDefault(f => f.EndsWith(".partial", StringComparison.Ordinal));
            if (partial is not null)
            {
                return partial;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException("The upload never reached the storage folder.");
    }

    private static async Task GoneAsync(string path)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (File.Exists(path) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.False(File.Exists(path), $"{Path.GetFileName(path)} is still in the storage folder.");
    }

    /// The client either sees the request fail or gets an error status; never a created document.
    private static async Task AssertFailedAsync(Task<HttpResponseMessage> upload)
    {
        try
        {
            var response = await upload;
            Assert.NotEqual(HttpStatusCode.Created, response.StatusCode);
            Assert.False(response.IsSuccessStatusCode, $"The broken upload answered {response.StatusCode}.");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
        }
    }

    private async Task AssertNothingKeptAsync(Guid folderId, string partial)
    {
        await GoneAsync(partial);
        Assert.False(File.Exists(partial[..^".partial".Length]));
        Assert.Empty(await app.DocumentsInAsync(folderId));
        Assert.Empty(await app.VersionsInAsync(folderId));
        await app.AssertStorageHoldsOnlySavedVersionsAsync();
    }

    [Fact]
    public async Task A_body_that_fails_midway_leaves_no_document_no_version_and_no_file()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        using var client = await app.SignInAsync(owner);
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = new SlowStream(60 * 1024, chunk: 4 * 1024, delay: TimeSpan.FromMilliseconds(40), failAfter: 40 * 1024, failWhen: seen.Task);

        var upload = client.UploadByApiAsync(account.Id, folder.Id, "half.txt", Body(stream));
        var partial = await PartialAppearsAsync(app.Root);
        seen.SetResult();
        await AssertFailedAsync(upload);

        Assert.Equal(40 * 1024, stream.Sent);
        await AssertNothingKeptAsync(folder.Id, partial);
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_no_document_no_version_and_no_file()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        using var client = await app.SignInAsync(owner);
        // A minute to send it all: it is cancelled long before.
        var stream = new SlowStream(60 * 1024, chunk: 1024, delay: TimeSpan.FromMilliseconds(1000));
        using var cancel = new CancellationTokenSource();

        var upload = client.UploadByApiAsync(account.Id, folder.Id, "cancelled.txt", Body(stream), cancel.Token);
        var partial = await PartialAppearsAsync(app.Root);
        await cancel.CancelAsync();
        await AssertFailedAsync(upload);

        Assert.True(stream.Sent < 60 * 1024, "The upload finished before it was cancelled.");
        await AssertNothingKeptAsync(folder.Id, partial);
    }

    /// The sweeper as it would run some time from now.
    internal sealed class LaterClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }

    [Fact]
    public async Task The_sweeper_removes_old_unreferenced_blobs_and_partials_and_keeps_referenced_and_young_ones()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        var (kept, keptVersion) = await app.CreateDocumentAsync(folder, owner, "kept.txt", Text("kept"));
        var (deleted, deletedVersion) = await app.CreateDocumentAsync(folder, owner, "deleted.txt", Text("deleted, versions kept"));
        await app.WithDbAsync(async db =>
        {
            (await db.Documents.SingleAsync(d => d.Id == deleted.Id)).Delete(DateTime.UtcNow);
            await db.SaveChangesAsync();
        });
        var request = await app.CreateRequestAsync(account, owner, await app.CreateRequestTypeAsync());
        var attachmentKey = await app.WithDbAsync((db, _) => db.RequestAttachments.Where(a => a.RequestId == request.Id).Select(a => a.StorageKey!).SingleAsync());
        var storage = app.Services.GetRequiredService<IBlobStorage>();
        StoredBlob orphan;
        using (var content = new MemoryStream(Text("written, then the process died before saving")))
        {
            orphan = await storage.WriteAsync(content, 1024, CancellationToken.None);
        }
        var partial = BlobPath(app.Root, Guid.NewGuid().ToString("N")) + ".partial";
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        await File.WriteAllBytesAsync(partial, Text("half an upload"));
        var keptPath = BlobPath(app.Root, keptVersion.StorageKey);
        var deletedPath = BlobPath(app.Root, deletedVersion.StorageKey);
        var orphanPath = BlobPath(app.Root, orphan.Key);
        var attachmentPath = BlobPath(app.Root, attachmentKey);

        // Now: everything is younger than Storage:OrphanAge, so an upload still in flight is safe.
        await app.Services.GetRequiredService<BlobSweeper>().SweepAsync(CancellationToken.None);
        Assert.All(new[] { keptPath, deletedPath, orphanPath, partial, attachmentPath }, p => Assert.True(File.Exists(p), p));

        var options = app.Services.GetRequiredService<IOptions<StorageOptions>>();
        var later = new BlobSweeper(app.Services.GetRequiredService<IServiceScopeFactory>(), storage, options,
            new LaterClock(options.Value.OrphanAge + TimeSpan.FromMinutes(1)), NullLogger<BlobSweeper>.Instance);
        var removed = await later.SweepAsync(CancellationToken.None);

        Assert.True(removed >= 2, $"Removed {removed}.");
        Assert.False(File.Exists(orphanPath));
        Assert.False(File.Exists(partial));
        Assert.Equal(Text("kept"), await File.ReadAllBytesAsync(keptPath));
        Assert.True(File.Exists(deletedPath));
        Assert.True(File.Exists(attachmentPath), "A request attachment's blob is not an orphan.");
        await app.AssertStorageHoldsOnlySavedVersionsAsync();
        using var client = await app.SignInAsync(owner);
        var download = await client.GetAsync($"{DocumentsPath(account.Id)}/{kept.Id}/versions/{keptVersion.Id}");
        Assert.Equal("kept", await download.Content.ReadAsStringAsync());
    }
}
