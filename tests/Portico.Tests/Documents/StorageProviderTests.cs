using Microsoft.Extensions.Logging.Abstractions;

namespace Portico.Tests.Documents;

/// Uploads, downloads, integrity checks and the orphan sweep, run once on local disk and once on an S3-compatible bucket.
public abstract class StorageProviderTests<TApp>(TApp app) where TApp : StorageProviderApp
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. "the rest of a picture"u8.ToArray()];

    /// An Owner, signed in, who uploaded one file through the API into a new folder of their account.
    private async Task<(Account Account, PorticoClient Client, DocumentVersion Version)> UploadedAsync(string name, byte[] content)
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        var client = await app.SignInAsync(owner);
        var response = await client.UploadByApiAsync(account.Id, folder.Id, name, content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (account, client, Assert.Single(await app.VersionsInAsync(folder.Id)));
    }

    private static string ContentUrl(Guid accountId, DocumentVersion version) => $"{ApiPath(accountId)}/{version.DocumentId}/versions/{version.Id}/content";

    [Fact]
    public async Task An_uploaded_document_is_stored_with_its_SHA256_and_each_download_is_checked_and_audited()
    {
        var content = Text("Contract, signed " + PorticoApp.Unique());
        var (account, client, version) = await UploadedAsync("contract.txt", content);
        using var _ = client;

        Assert.Equal(Sha256(content), version.Sha256);
        Assert.Equal(content, await app.ReadStoredAsync(version.StorageKey));
        foreach (var url in new[] { ContentUrl(account.Id, version), $"{DocumentsPath(account.Id)}/{version.DocumentId}/versions/{version.Id}" })
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(Sha256(content), response.Headers.GetValues("X-Checksum-SHA256").Single());
        }
        Assert.Equal(2, (await app.AuditOfAsync(version.DocumentId)).Count(e => e.Action == AuditActions.DocumentDownloaded));
    }

    [Fact]
    public async Task A_file_of_several_parts_streams_into_storage_and_back_unchanged()
    {
        // 12 MiB and a bit: three parts of the 5 MiB the S3 app uses, the last one short.
        var random = new Random(19);
        var content = new byte[12 * 1024 * 1024 + 12345];
        for (var i = 0; i < content.Length; i++)
        {
            content[i] = i % 80 == 79 ? (byte)'\n' : (byte)random.Next('a', 'z' + 1);
        }
        var (account, client, version) = await UploadedAsync("export.txt", content);
        using var _ = client;

        Assert.Equal(content.Length, version.Size);
        Assert.Equal(Sha256(content), version.Sha256);
        var response = await client.GetAsync(ContentUrl(account.Id, version));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Sha256(content), Sha256(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task A_stored_file_changed_behind_the_portals_back_is_refused_with_an_integrity_event()
    {
        var original = Text("Invoice total 1,000 " + PorticoApp.Unique());
        var (account, client, version) = await UploadedAsync("invoice.txt", original);
        using var _ = client;
        var tampered = Text(Encoding.UTF8.GetString(original).Replace("1,000", "9,999", StringComparison.Ordinal));
        Assert.Equal(original.Length, tampered.Length);

        await app.ReplaceStoredAsync(version.StorageKey, tampered);
        var response = await client.GetAsync(ContentUrl(account.Id, version));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("9,999", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(await app.AuditOfAsync(version.DocumentId), e => e.Action == AuditActions.DocumentIntegrityFailed);
    }

    [Fact]
    public async Task A_request_attachment_is_stored_with_its_SHA256_and_downloads_intact()
    {
        using var s = await app.SetUpWithFileFieldAsync();
        var id = await s.Customer.SubmitAsync(s.Account.Id, s.Type.Id, "Broken screen");
        var reply = await s.Customer.CustomerPostAsync(s.Account.Id, id, "Reply", [Field("Body", "A picture")], [("files", "screen.png", Png)]);
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);
        var attachment = await app.WithDbAsync((db, _) => db.RequestAttachments.AsNoTracking().SingleAsync(a => a.RequestId == id));

        Assert.Equal(Sha256(Png), attachment.Sha256);
        Assert.Equal(Png, await app.ReadStoredAsync(attachment.StorageKey!));
        var response = await s.Staff.GetAsync($"{StaffPath(id)}/files/{attachment.Id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Png, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_sweeper_removes_old_orphans_and_unfinished_uploads_and_keeps_files_in_use()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        var (_, keptVersion) = await app.CreateDocumentAsync(folder, owner, "kept.txt", Text("kept"));
        var storage = app.Services.GetRequiredService<IBlobStorage>();
        StoredBlob orphan;
        using (var content = new MemoryStream(Text("written, then the process died before saving")))
        {
            orphan = await storage.WriteAsync(content, 1024, CancellationToken.None);
        }
        var unfinished = await app.AddUnfinishedUploadAsync();
        var options = app.Services.GetRequiredService<IOptions<StorageOptions>>();
        BlobSweeper SweeperAt(TimeSpan ahead) =>
            new(app.Services.GetRequiredService<IServiceScopeFactory>(), storage, options, new InterruptedUploadTests.LaterClock(ahead), NullLogger<BlobSweeper>.Instance);

        await SweeperAt(TimeSpan.Zero).SweepAsync(CancellationToken.None);
        Assert.NotNull(await app.ReadStoredAsync(orphan.Key));

        await SweeperAt(options.Value.OrphanAge + TimeSpan.FromMinutes(1)).SweepAsync(CancellationToken.None);

        Assert.Null(await app.ReadStoredAsync(orphan.Key));
        if (unfinished is not null)
        {
            Assert.False(await app.HasUnfinishedAsync(unfinished));
        }
        Assert.Equal(Text("kept"), await app.ReadStoredAsync(keptVersion.StorageKey));
    }
}

public sealed class LocalStorageTests(LocalStorageApp app) : StorageProviderTests<LocalStorageApp>(app), IClassFixture<LocalStorageApp>;

public sealed class S3StorageTests(S3StorageApp app) : StorageProviderTests<S3StorageApp>(app), IClassFixture<S3StorageApp>;
