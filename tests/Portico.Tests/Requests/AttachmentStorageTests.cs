using Portico.Tests.Documents;

namespace Portico.Tests.Requests;

/// Request attachments are checked and stored like documents: the bytes must match the name, the
/// file lives in blob storage with its SHA-256, and downloads check it. Runs on the app with a
/// storage folder of its own, so every file it writes can be looked at.
[Collection(DocumentStorageCollection.Name)]
public sealed class AttachmentStorageTests(DocumentStorageApp app)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. "the rest of a picture"u8.ToArray()];
    private static readonly byte[] HtmlPage = "<!doctype html><html><body><script>fetch('/api/me').then(r => r.text()).then(alert)</script></body></html>"u8.ToArray();
    private const string HtmlAsPngMessage = "The content of \"photo.png\" does not match its name. Check that it is really a .png file.";

    private Task<List<RequestAttachment>> AttachmentsOfAsync(Guid requestId) =>
        app.WithDbAsync((db, _) => db.RequestAttachments.AsNoTracking().Where(a => a.RequestId == requestId).OrderBy(a => a.CreatedAt).ThenBy(a => a.FileName).ToListAsync());

    /// A request the customer submitted, then replied to with the files; the reply is accepted.
    private async Task<(Guid Id, List<RequestAttachment> Attachments)> RepliedWithFilesAsync(
        FileFieldSetup s, string subject, string body, params (string FileName, byte[] Content)[] files)
    {
        var id = await s.Customer.SubmitAsync(s.Account.Id, s.Type.Id, subject);
        var reply = await s.Customer.CustomerPostAsync(s.Account.Id, id, "Reply", [Field("Body", body)], files.Select(f => ("files", f.FileName, f.Content)));
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);
        return (id, await AttachmentsOfAsync(id));
    }

    private static string FilePath(Guid accountId, RequestAttachment a) => $"{CustomerPath(accountId, a.RequestId)}/files/{a.Id}";

    private static async Task<string> ApiFilesErrorAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("files")[0].GetString() ?? "";

    [Fact]
    public async Task Html_named_png_is_refused_on_the_form_on_replies_and_in_the_api_and_nothing_is_stored()
    {
        using var s = await app.SetUpWithFileFieldAsync();
        var id = await s.Customer.SubmitAsync(s.Account.Id, s.Type.Id, "Picture of the fault");
        var filesBefore = FilesUnder(app.Root);

        var form = await s.Customer.PostNewRequestAsync(s.Account.Id, s.Type.Id, [Field("subject", "With a picture")], [("file.evidence", "photo.png", HtmlPage)]);
        var customerReply = await s.Customer.CustomerPostAsync(s.Account.Id, id, "Reply", [Field("Body", "Here it is")], [("files", "photo.png", HtmlPage)]);
        var staffReply = await s.Staff.StaffPostAsync(id, "Reply", [Field("kind", "reply"), Field("Body", "Ours")], [("files", "photo.png", HtmlPage)]);
        var apiCreate = await s.Customer.Http.PostAsJsonAsync(new Uri($"/api/accounts/{s.Account.Id}/requests", UriKind.Relative), new
        {
            typeId = s.Type.Id,
            subject = "Via the API",
            files = new[] { new { fieldKey = "evidence", fileName = "photo.png", contentBase64 = Convert.ToBase64String(HtmlPage) } },
        });
        var apiReply = await s.Customer.Http.PostAsJsonAsync(new Uri($"/api/accounts/{s.Account.Id}/requests/{id}/replies", UriKind.Relative),
            new { body = "Via the API", files = new[] { new { fileName = "photo.png", contentBase64 = Convert.ToBase64String(HtmlPage) } } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, form.StatusCode);
        Assert.Equal(HtmlAsPngMessage, (await PorticoClient.ParseAsync(form)).GetElementById("field-evidence-error")?.TextContent.Trim());
        foreach (var reply in new[] { customerReply, staffReply })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, reply.StatusCode);
            Assert.Equal(HtmlAsPngMessage, await ActionErrorAsync(reply));
        }
        foreach (var api in new[] { apiCreate, apiReply })
        {
            Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
            Assert.Equal(HtmlAsPngMessage, await ApiFilesErrorAsync(api));
        }
        Assert.Equal((1, 0), (await app.RequestCountAsync(s.Account.Id), await app.AttachmentCountAsync(s.Account.Id)));
        Assert.Equal(0, await app.MessageCountAsync(id));
        Assert.Equal(filesBefore, FilesUnder(app.Root));
    }

    [Fact]
    public async Task Attachments_are_kept_in_blob_storage_with_their_SHA256_and_not_in_the_database()
    {
        using var s = await app.SetUpWithFileFieldAsync();
        var log = "12:00 printer caught fire\n"u8.ToArray();
        var created = await s.Customer.Http.PostAsJsonAsync(new Uri($"/api/accounts/{s.Account.Id}/requests", UriKind.Relative), new
        {
            typeId = s.Type.Id,
            subject = "Blob storage",
            files = new[] { new { fieldKey = "evidence", fileName = "photo.png", contentBase64 = Convert.ToBase64String(Png) } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("summary").GetProperty("id").GetGuid();
        var reply = await s.Customer.CustomerPostAsync(s.Account.Id, id, "Reply", [Field("Body", "The log")], [("files", "printer.log", log)]);
        Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);

        var attachments = await AttachmentsOfAsync(id);

        Assert.Equal(["photo.png", "printer.log"], attachments.Select(a => a.FileName));
        foreach (var (attachment, content) in attachments.Zip([Png, log]))
        {
            Assert.Null(attachment.LegacyContent);
            Assert.Equal(content.Length, attachment.Size);
            Assert.Equal(Sha256(content), attachment.Sha256);
            Assert.Equal(content, await File.ReadAllBytesAsync(BlobPath(app.Root, attachment.StorageKey!)));
        }
        Assert.Equal(["image/png", "text/plain"], attachments.Select(a => a.ContentType));
        // The column is still there for the move at start-up; nothing new goes into it.
        var bytesInDatabase = await app.WithDbAsync((db, _) => db.Database
            .SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"RequestAttachments\" WHERE \"Content\" IS NOT NULL AND \"RequestId\" = {0}", id).SingleAsync());
        Assert.Equal(0, bytesInDatabase);
    }

    [Fact]
    public async Task Attachments_download_as_sandboxed_files_for_customer_and_staff()
    {
        using var s = await app.SetUpWithFileFieldAsync();
        var page = "<html><body>notes</body></html>"u8.ToArray();
        var (id, attachments) = await RepliedWithFilesAsync(s, "Download", "Files", ("photo.png", Png), ("notes.txt", page));

        var expected = new Dictionary<string, (byte[] Content, string Type)> { ["photo.png"] = (Png, "image/png"), ["notes.txt"] = (page, "text/plain") };
        Assert.Equal(expected.Keys.Order(), attachments.Select(a => a.FileName).Order());
        foreach (var attachment in attachments)
        {
            var (content, type) = expected[attachment.FileName];
            foreach (var (who, url) in new[] { (s.Customer, FilePath(s.Account.Id, attachment)), (s.Staff, $"{StaffPath(id)}/files/{attachment.Id}") })
            {
                var response = await who.GetAsync(url);

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
                Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
                Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
                Assert.Contains("sandbox", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
                Assert.Equal(Sha256(content), response.Headers.GetValues("X-Checksum-SHA256").Single());
            }
        }
    }

    [Fact]
    public async Task A_tampered_attachment_blob_is_refused_with_a_500_problem_and_an_integrity_event()
    {
        using var s = await app.SetUpWithFileFieldAsync();
        var original = "Invoice total: 1,000.00"u8.ToArray();
        var (id, attachments) = await RepliedWithFilesAsync(s, "Tampered", "Figures", ("figures.txt", original));
        var attachment = Assert.Single(attachments);
        // Same length, different bytes: only the hash can tell.
        var tampered = "Invoice total: 9,999.99"u8.ToArray();
        Assert.Equal(original.Length, tampered.Length);
        await File.WriteAllBytesAsync(BlobPath(app.Root, attachment.StorageKey!), tampered);

        foreach (var (who, url) in new[] { (s.Customer, FilePath(s.Account.Id, attachment)), (s.Staff, $"{StaffPath(id)}/files/{attachment.Id}") })
        {
            var response = await who.GetAsync(url);

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("This file is damaged in storage and cannot be served.", body, StringComparison.Ordinal);
            Assert.DoesNotContain("9,999.99", body, StringComparison.Ordinal);
            Assert.Null(response.Content.Headers.ContentDisposition);
        }
        var failures = await app.WithDbAsync((db, _) => db.AuditEvents
            .Where(e => e.Action == AuditActions.RequestAttachmentIntegrityFailed && e.TargetId == id.ToString()).ToListAsync());
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Equal(s.Account.Id, f.AccountId));
    }

    [Fact]
    public async Task An_attachment_kept_in_the_database_by_an_earlier_release_is_moved_to_blob_storage_at_start_up()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var type = await app.CreateRequestTypeAsync();
        var request = await app.CreateRequestAsync(account, user, type);
        var old = Assert.Single(await AttachmentsOfAsync(request.Id));
        var content = "Evidence kept in the database by an earlier release"u8.ToArray();
        // As an earlier release left it: bytes in the row, typed by extension, no blob.
        await app.WithDbAsync(db => db.RequestAttachments.Where(a => a.Id == old.Id).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.LegacyContent, content).SetProperty(a => a.StorageKey, (string?)null).SetProperty(a => a.Sha256, (string?)null)
            .SetProperty(a => a.Size, content.Length).SetProperty(a => a.ContentType, "application/octet-stream")));
        File.Delete(BlobPath(app.Root, old.StorageKey!));

        var move = app.Services.GetRequiredService<AttachmentStorageMove>();
        Assert.True(await move.RunAsync(CancellationToken.None) >= 1);

        var moved = Assert.Single(await AttachmentsOfAsync(request.Id));
        Assert.Null(moved.LegacyContent);
        Assert.NotNull(moved.StorageKey);
        Assert.Equal(Sha256(content), moved.Sha256);
        Assert.Equal("text/plain", moved.ContentType);
        Assert.Equal(content, await File.ReadAllBytesAsync(BlobPath(app.Root, moved.StorageKey)));
        using var client = await app.SignInAsync(user);
        var download = await client.GetAsync(FilePath(account.Id, moved));
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());

        // Once moved, a second run (the next start) has nothing to do.
        Assert.Equal(0, await move.RunAsync(CancellationToken.None));
        Assert.Equal(moved.StorageKey, Assert.Single(await AttachmentsOfAsync(request.Id)).StorageKey);
    }
}
