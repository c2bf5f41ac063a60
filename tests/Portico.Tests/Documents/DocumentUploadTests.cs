namespace Portico.Tests.Documents;

public sealed class DocumentUploadTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task The_same_name_in_another_case_becomes_version_2_and_every_version_keeps_its_own_bytes()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        var a = account.Id;
        var first = Text("Price list, first edition " + PorticoApp.Unique());
        var second = Text("Price list, second edition with more lines " + PorticoApp.Unique());
        using var client = await app.SignInAsync(owner);

        var page = await client.UploadOnPageAsync(a, folder.Id, "Price List.txt", first);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal($"{FolderPath(a, folder.Id)}?uploaded=Price%20List.txt", page.Headers.Location!.OriginalString);

        var api = await client.UploadByApiAsync(a, folder.Id, "PRICE LIST.TXT", second);
        Assert.Equal(HttpStatusCode.Created, api.StatusCode);
        var created = await api.Content.ReadFromJsonAsync<DocumentDto>();
        Assert.Equal(2, created!.Versions);
        Assert.Equal(2, created.VersionHistory!.Single().Number);

        var document = Assert.Single(await app.DocumentsInAsync(folder.Id));
        Assert.Equal(created.Id, document.Id);
        Assert.Equal("Price List.txt", document.Name);
        Assert.Equal(2, document.VersionCount);
        Assert.Equal(second.Length, document.CurrentSize);
        var versions = await app.VersionsOfAsync(document.Id);
        Assert.Equal([1, 2], versions.Select(v => v.Number));
        Assert.Equal(Sha256(first), versions[0].Sha256);
        Assert.Equal(Sha256(second), versions[1].Sha256);
        Assert.Equal([(long)first.Length, second.Length], versions.Select(v => v.Size));
        Assert.All(versions, v => Assert.Equal("text/plain", v.ContentType));
        Assert.Equal(versions[1].Id, document.CurrentVersionId);
        Assert.NotEqual(versions[0].StorageKey, versions[1].StorageKey);

        // The history lists both, newest first, each with its own download link.
        var detail = await client.GetPageAsync($"{DocumentsPath(a)}/{document.Id}");
        var rows = detail.QuerySelectorAll("[data-testid=version]");
        Assert.Equal(["2", "1"], rows.Select(r => r.QuerySelector("td")!.TextContent.Trim()));
        var links = rows.Select(r => r.QuerySelector("a[download]")!.GetAttribute("href")!).ToList();
        Assert.Equal($"{DocumentsPath(a)}/{document.Id}/versions/{versions[1].Id}", links[0]);
        Assert.Equal($"{DocumentsPath(a)}/{document.Id}/versions/{versions[0].Id}", links[1]);

        var fromApi = await client.Http.GetFromJsonAsync<DocumentDto>(new Uri($"{ApiPath(a)}/{document.Id}", UriKind.Relative));
        Assert.Equal([Sha256(second), Sha256(first)], fromApi!.VersionHistory!.Select(v => v.Sha256));

        // Old and new versions each download with their own bytes, from the page and the API.
        var oldDownload = await client.GetAsync(links[1]);
        Assert.Equal(HttpStatusCode.OK, oldDownload.StatusCode);
        Assert.Equal(first, await oldDownload.Content.ReadAsByteArrayAsync());
        Assert.Equal(Sha256(first), oldDownload.Headers.GetValues("X-Checksum-SHA256").Single());
        var newDownload = await client.GetAsync(links[0]);
        Assert.Equal(second, await newDownload.Content.ReadAsByteArrayAsync());
        foreach (var v in fromApi.VersionHistory!)
        {
            var bytes = await client.Http.GetByteArrayAsync(new Uri(v.Url, UriKind.Relative));
            Assert.Equal(v.Sha256, Sha256(bytes));
        }

        var folderPage = await client.GetPageAsync(FolderPath(a, folder.Id));
        var row = Assert.Single(folderPage.QuerySelectorAll("[data-testid=document]"));
        Assert.Equal("2", row.QuerySelectorAll("td")[1].TextContent.Trim());
    }

    [Fact]
    public async Task The_stored_sha256_and_bytes_match_a_large_binary_upload()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        // Several of the storage's 80 KiB buffers, with a real PDF signature in front.
        var content = new byte[1_000_003];
        Random.Shared.NextBytes(content);
        Text("%PDF-1.7\n").CopyTo(content, 0);
        using var client = await app.SignInAsync(owner);

        var response = await client.UploadByApiAsync(account.Id, folder.Id, "scan.pdf", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var version = Assert.Single(await app.VersionsInAsync(folder.Id));
        Assert.Equal(Sha256(content), version.Sha256);
        Assert.Equal(content.Length, version.Size);
        Assert.Equal("application/pdf", version.ContentType);
        Assert.Equal(content, await File.ReadAllBytesAsync(BlobPath(app.StorageRoot(), version.StorageKey)));
        var created = await response.Content.ReadFromJsonAsync<DocumentDto>();
        Assert.Equal(Sha256(content), created!.VersionHistory!.Single().Sha256);
    }

    [Fact]
    public async Task Upload_view_and_download_are_audited_with_who_and_which_version()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        var content = Text("Minutes of the kick-off meeting");
        using var client = await app.SignInAsync(owner);

        Assert.Equal(HttpStatusCode.Redirect, (await client.UploadOnPageAsync(account.Id, folder.Id, "minutes.txt", content)).StatusCode);
        var document = Assert.Single(await app.DocumentsInAsync(folder.Id));
        var version = Assert.Single(await app.VersionsOfAsync(document.Id));
        await client.GetPageAsync($"{DocumentsPath(account.Id)}/{document.Id}");
        var download = await client.GetAsync($"{DocumentsPath(account.Id)}/{document.Id}/versions/{version.Id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);

        var events = await app.AuditOfAsync(document.Id);
        Assert.Equal([AuditActions.DocumentUploaded, AuditActions.DocumentViewed, AuditActions.DocumentDownloaded], events.Select(e => e.Action));
        Assert.All(events, e =>
        {
            Assert.Equal(owner.Id, e.ActorUserId);
            Assert.Equal(account.Id, e.AccountId);
        });
        Assert.Contains($"\"sha256\":\"{Sha256(content)}\"", events[0].Details, StringComparison.Ordinal);
        Assert.Contains("\"version\":1", events[0].Details, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"minutes.txt\"", events[1].Details, StringComparison.Ordinal);
        Assert.Contains($"\"versionId\":\"{version.Id}\"", events[2].Details, StringComparison.Ordinal);
    }
}
