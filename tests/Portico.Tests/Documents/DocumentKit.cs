using Microsoft.Extensions.Hosting;
using MimeKit;

namespace Portico.Tests.Documents;

/// Uploads, downloads, the storage folder and emails, as the documents tests use them.
public static class DocumentKit
{
    /// An account with an Owner and a Billing member, and a staff Admin.
    public static async Task<(Account Account, PorticoUser Owner, PorticoUser BillingMember, PorticoUser Admin)> AccountWithOwnerAndBillingMemberAsync(this PorticoApp app)
    {
        var account = await app.CreateAccountAsync();
        var owner = await app.CreateMemberAsync(account, BuiltInRoles.Owner);
        var billingMember = await app.CreateMemberAsync(account, BuiltInRoles.Billing);
        return (account, owner, billingMember, await app.CreateUserAsync(staffRole: StaffRole.Admin));
    }

    /// An account with an Owner, a Billing member and a Requester, and a staff Admin.
    public static async Task<(Account Account, PorticoUser Owner, PorticoUser BillingMember, PorticoUser Requester, PorticoUser Admin)> AccountWithOwnerBillingMemberAndRequesterAsync(this PorticoApp app)
    {
        var (account, owner, billingMember, admin) = await app.AccountWithOwnerAndBillingMemberAsync();
        return (account, owner, billingMember, await app.CreateMemberAsync(account, BuiltInRoles.Requester), admin);
    }

    /// A customer account with a folder, and its Owner signed in.
    public static async Task<(Account Account, DocumentFolder Folder, PorticoClient Owner)> SignedInOwnerWithFolderAsync(this PorticoApp app)
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        return (account, folder, await app.SignInAsync(owner));
    }

    public static string DocumentsPath(Guid accountId) => $"/a/{accountId}/documents";

    public static string FolderPath(Guid accountId, Guid folderId) => $"/a/{accountId}/documents/folders/{folderId}";

    public static string ApiPath(Guid accountId) => $"/api/accounts/{accountId}/documents";

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// The folder the running app stores files in, resolved as the app resolves it.
    public static string StorageRoot(this PorticoApp app)
    {
        var options = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var environment = app.Services.GetRequiredService<IHostEnvironment>();
        return Path.GetFullPath(options.LocalPath, environment.ContentRootPath);
    }

    /// Where the local disk storage keeps a blob: the root, the key's first two characters, the key.
    public static string BlobPath(string root, string key) => Path.Combine(root, key[..2], key);

    public static HashSet<string> FilesUnder(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToHashSet(StringComparer.Ordinal) : [];

    public static Task<HttpResponseMessage> GetAsync(this PorticoClient client, string url) => client.Http.GetAsync(new Uri(url, UriKind.Relative));

    /// Uploads through the folder page's form, as a browser does. The antiforgery token comes from the
    /// documents index, so a folder the person cannot see can still be posted to.
    public static async Task<HttpResponseMessage> UploadOnPageAsync(this PorticoClient client, Guid accountId, Guid folderId, string fileName, byte[] content)
    {
        var tokenSource = await client.GetPageAsync(DocumentsPath(accountId));
        return await client.PostMultipartAsync(FolderPath(accountId, folderId), tokenSource, [], [("file", fileName, content)]);
    }

    public static Task<HttpResponseMessage> UploadByApiAsync(this PorticoClient client, Guid accountId, Guid folderId, string name, byte[] content)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return client.UploadByApiAsync(accountId, folderId, name, body);
    }

    public static Task<HttpResponseMessage> UploadByApiAsync(this PorticoClient client, Guid accountId, Guid folderId, string name, HttpContent body,
        CancellationToken cancellationToken = default) =>
        client.Http.PostAsync(new Uri($"{ApiPath(accountId)}/folders/{folderId}/files?name={Uri.EscapeDataString(name)}", UriKind.Relative), body, cancellationToken);

    /// The error a page shows in its alert.
    public static async Task<string> PageErrorAsync(HttpResponseMessage response)
    {
        var page = await PorticoClient.ParseAsync(response);
        return PageError(page);
    }

    public static string PageError(IHtmlDocument page) =>
        page.QuerySelector("[data-testid=action-error]")?.TextContent.Trim() ?? throw new InvalidOperationException("The page shows no error.");

    /// The message of a validation problem the API answers for the uploaded file.
    public static async Task<string> ApiErrorAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("errors").GetProperty("file")[0].GetString()!;
    }

    public static Task<List<Document>> DocumentsInAsync(this PorticoApp app, Guid folderId) =>
        app.WithDbAsync((db, _) => db.Documents.AsNoTracking().Where(d => d.FolderId == folderId).ToListAsync());

    public static Task<List<DocumentVersion>> VersionsInAsync(this PorticoApp app, Guid folderId) =>
        app.WithDbAsync((db, _) => db.DocumentVersions.AsNoTracking()
            .Where(v => db.Documents.Any(d => d.Id == v.DocumentId && d.FolderId == folderId)).OrderBy(v => v.Number).ToListAsync());

    public static Task<List<DocumentVersion>> VersionsOfAsync(this PorticoApp app, Guid documentId) =>
        app.WithDbAsync((db, _) => db.DocumentVersions.AsNoTracking().Where(v => v.DocumentId == documentId).OrderBy(v => v.Number).ToListAsync());

    public static Task<List<AuditEvent>> AuditOfAsync(this PorticoApp app, Guid documentId) =>
        app.WithDbAsync((db, _) => db.AuditEvents.AsNoTracking()
            .Where(e => e.TargetType == "Document" && e.TargetId == documentId.ToString()).OrderBy(e => e.Sequence).ToListAsync());

    public static Task<HashSet<string>> AllStorageKeysAsync(this PorticoApp app) =>
        app.WithDbAsync(async (db, _) => (await db.DocumentVersions.Select(v => v.StorageKey).ToListAsync())
            .Concat(await db.RequestAttachments.Where(a => a.StorageKey != null).Select(a => a.StorageKey!).ToListAsync()).ToHashSet(StringComparer.Ordinal));

    /// Every file in the storage folder is the blob of a saved version or request attachment: nothing partial, nothing orphaned.
    public static async Task AssertStorageHoldsOnlySavedVersionsAsync(this PorticoApp app)
    {
        var root = app.StorageRoot();
        var keys = await app.AllStorageKeysAsync();
        var strays = FilesUnder(root).Where(path => !keys.Contains(Path.GetFileName(path)) || path != BlobPath(root, Path.GetFileName(path))).ToList();
        Assert.Empty(strays);
    }

    /// Nothing of a refused or broken-off upload is left: no document, no version, no file but the saved versions'.
    public static async Task AssertNothingStoredInAsync(this PorticoApp app, Guid folderId)
    {
        Assert.Empty(await app.DocumentsInAsync(folderId));
        Assert.Empty(await app.VersionsInAsync(folderId));
        await app.AssertStorageHoldsOnlySavedVersionsAsync();
    }

    public static async Task<MimeMessage> WaitForEmailAsync(this PorticoApp app, string to, Func<MimeMessage, bool> predicate, TimeSpan? timeout = null)
    {
        var raw = await app.Mail.WaitForAsync(m => Parse(m) is { } message && IsFor(message, to) && predicate(message), timeout);
        return Parse(raw)!;
    }

    public static List<MimeMessage> EmailsTo(this PorticoApp app, string to) =>
        app.Mail.Messages().Select(Parse).OfType<MimeMessage>().Where(m => IsFor(m, to)).ToList();

    private static bool IsFor(MimeMessage message, string to) =>
        message.To.Mailboxes.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase));

    /// Null while the SMTP server is still writing the message to its file.
    private static MimeMessage? Parse(string raw)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw));
        try
        {
            return MimeMessage.Load(stream);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
