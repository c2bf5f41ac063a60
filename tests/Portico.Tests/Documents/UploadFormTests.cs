using Portico.Features.Documents;
using static Portico.Tests.Documents.DocumentKit;

namespace Portico.Tests.Documents;

/// The folder page's upload form: a plain post that works without a script, and the limits the script checks before sending.
[Collection(DocumentStorageCollection.Name)]
public sealed class UploadFormTests(DocumentStorageApp app)
{
    [Fact]
    public async Task The_upload_form_hands_the_configured_limit_and_types_to_the_browser_for_checks_before_sending()
    {
        var (account, folder, client) = await app.SignedInOwnerWithFolderAsync();
        using var _ = client;

        var page = await client.GetPageAsync(FolderPath(account.Id, folder.Id));

        var field = page.QuerySelector("[data-upload-field]");
        var allowed = app.Services.GetRequiredService<IOptions<DocumentOptions>>().Value.AllowedExtensions;
        UploadFieldChecks.AssertLimits(field, DocumentStorageApp.MaxFileBytes, "64 KB", 1, allowed, "file");
        // Without the script it is the same form as ever: a multipart post with the antiforgery token.
        var form = field!.Closest("form");
        Assert.Equal("post", form?.GetAttribute("method"));
        Assert.Equal("multipart/form-data", form?.GetAttribute("enctype"));
        Assert.NotNull(form?.QuerySelector("input[name=__RequestVerificationToken]"));
        Assert.NotNull(page.QuerySelector("script[src^='/js/uploads.js']"));
    }

    [Fact]
    public async Task A_form_upload_cancelled_midway_leaves_no_document_no_version_and_no_file()
    {
        var (account, folder, client) = await app.SignedInOwnerWithFolderAsync();
        using var _ = client;
        var tokenSource = await client.GetPageAsync(FolderPath(account.Id, folder.Id));
        // A minute to send it all: it is cancelled long before, as the page's Cancel button closes the connection.
        var stream = new SlowStream(60 * 1024, chunk: 1024, delay: TimeSpan.FromMilliseconds(1000));
        var file = new StreamContent(stream);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var body = new MultipartFormDataContent { { new StringContent(PorticoClient.Token(tokenSource)), "__RequestVerificationToken" }, { file, "file", "cancelled.txt" } };
        using var cancel = new CancellationTokenSource();

        var upload = client.Http.PostAsync(new Uri(FolderPath(account.Id, folder.Id), UriKind.Relative), body, cancel.Token);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (stream.Sent < 2 * 1024 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.True(stream.Sent >= 2 * 1024, "The upload never started.");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload);

        Assert.True(stream.Sent < 60 * 1024, "The upload finished before it was cancelled.");
        // The portal sees the connection close; give it a moment to act on it.
        await Task.Delay(500);
        await app.AssertNothingStoredInAsync(folder.Id);
    }
}
