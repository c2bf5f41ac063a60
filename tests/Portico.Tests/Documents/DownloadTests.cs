namespace Portico.Tests.Documents;

public sealed class DownloadTests(PorticoApp app) : AppTests
{
    /// An Owner, signed in, who uploaded one file through the API into a new folder of their account.
    private sealed record Uploaded(Account Account, PorticoClient Client, DocumentVersion Version) : IDisposable
    {
        /// Where the version downloads from: the customer's page and API, and the staff console.
        public (PorticoClient Who, string Url)[] Downloads(PorticoClient staff) =>
        [
            (Client, $"{DocumentsPath(Account.Id)}/{Version.DocumentId}/versions/{Version.Id}"),
            (Client, $"{ApiPath(Account.Id)}/{Version.DocumentId}/versions/{Version.Id}/content"),
            (staff, $"/staff/documents/{Version.DocumentId}/versions/{Version.Id}"),
        ];

        public void Dispose() => Client.Dispose();
    }

    private async Task<Uploaded> UploadedAsync(string name, byte[] content)
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        var client = await app.SignInAsync(owner);
        Assert.Equal(HttpStatusCode.Created, (await client.UploadByApiAsync(account.Id, folder.Id, name, content)).StatusCode);
        return new Uploaded(account, client, Assert.Single(await app.VersionsInAsync(folder.Id)));
    }

    [Theory]
    [InlineData("page.html", "<!doctype html><html><body><script>fetch('/api/me').then(r => r.text()).then(alert)</script></body></html>")]
    [InlineData("logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(document.cookie)\"><script>alert(1)</script></svg>")]
    public async Task Html_and_svg_with_script_download_as_inert_attachments(string name, string markup)
    {
        var content = Text(markup);
        using var uploaded = await UploadedAsync(name, content);
        using var staff = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));

        foreach (var (who, url) in uploaded.Downloads(staff))
        {
            var response = await who.GetAsync(url);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal(name, response.Content.Headers.ContentDisposition.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
            Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("sandbox", policy, StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
            Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task A_corrupted_blob_is_refused_with_a_500_problem_and_an_integrity_event()
    {
        var original = Text("Quarterly figures: revenue 1,000,000 " + PorticoApp.Unique());
        using var uploaded = await UploadedAsync("figures.txt", original);
        var (account, _, version) = uploaded;
        var path = BlobPath(app.StorageRoot(), version.StorageKey);
        Assert.Equal(original, await File.ReadAllBytesAsync(path));

        // Same length, different bytes: only the hash can tell.
        var corrupted = Text(System.Text.Encoding.UTF8.GetString(original).Replace("Quarterly", "TAMPERED!", StringComparison.Ordinal)
            .Replace("1,000,000", "9,999,999", StringComparison.Ordinal));
        Assert.Equal(original.Length, corrupted.Length);
        await File.WriteAllBytesAsync(path, corrupted);
        using var staff = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));

        foreach (var (who, url) in uploaded.Downloads(staff))
        {
            var response = await who.GetAsync(url);

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("This file is damaged in storage and cannot be served.", body, StringComparison.Ordinal);
            Assert.DoesNotContain("TAMPERED", body, StringComparison.Ordinal);
            Assert.DoesNotContain("9,999,999", body, StringComparison.Ordinal);
            Assert.Null(response.Content.Headers.ContentDisposition);
        }

        var events = await app.AuditOfAsync(version.DocumentId);
        Assert.Equal(3, events.Count(e => e.Action == AuditActions.DocumentIntegrityFailed));
        Assert.DoesNotContain(events, e => e.Action == AuditActions.DocumentDownloaded);
        var failure = events.First(e => e.Action == AuditActions.DocumentIntegrityFailed);
        Assert.Equal(account.Id, failure.AccountId);
        Assert.Contains($"\"expected\":\"{Sha256(original)}\"", failure.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_missing_from_storage_is_refused_the_same_way()
    {
        using var uploaded = await UploadedAsync("gone.txt", Text("soon gone"));
        var (account, client, version) = uploaded;
        File.Delete(BlobPath(app.StorageRoot(), version.StorageKey));

        var response = await client.GetAsync($"{DocumentsPath(account.Id)}/{version.DocumentId}/versions/{version.Id}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("damaged in storage", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(await app.AuditOfAsync(version.DocumentId), e => e.Action == AuditActions.DocumentIntegrityFailed);
    }
}
