namespace Portico.Tests.Documents;

public sealed class FolderAccessTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task A_billing_only_folder_is_invisible_to_a_requester_everywhere()
    {
        var account = await app.CreateAccountAsync();
        var owner = await app.CreateMemberAsync(account, BuiltInRoles.Owner);
        var requester = await app.CreateMemberAsync(account, BuiltInRoles.Requester);
        var billing = await app.CreateFolderAsync(account, "Billing " + PorticoApp.Unique(),
            viewRoles: [BuiltInRoles.Owner, BuiltInRoles.Billing], uploadRoles: [BuiltInRoles.Owner, BuiltInRoles.Billing]);
        var general = await app.CreateFolderAsync(account, "General " + PorticoApp.Unique());
        var secret = "Invoice " + PorticoApp.Unique() + ".txt";
        var (document, version) = await app.CreateDocumentAsync(billing, owner, secret, Text("Amount due: 4,200"));
        var a = account.Id;

        using var client = await app.SignInAsync(requester);

        var index = await client.GetPageAsync(DocumentsPath(a));
        var folderNames = index.QuerySelectorAll("[data-testid=folder]").Select(r => r.TextContent).ToList();
        Assert.Contains(folderNames, n => n.Contains(general.Name, StringComparison.Ordinal));
        Assert.DoesNotContain(billing.Name, index.Body!.TextContent, StringComparison.Ordinal);
        await AssertEveryAddressIsNotFoundAsync(client, a, billing.Id, document.Id, version.Id, secret, "Amount due");
        var folders = await client.Http.GetFromJsonAsync<List<FolderDto>>(new Uri($"{ApiPath(a)}/folders", UriKind.Relative));
        Assert.Equal([general.Id], folders!.Select(f => f.Id));
        var everything = await client.GetAsync(ApiPath(a));
        Assert.DoesNotContain(secret, await everything.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var inFolder = await client.Http.GetFromJsonAsync<List<DocumentDto>>(new Uri($"{ApiPath(a)}?folderId={billing.Id}", UriKind.Relative));
        Assert.Empty(inFolder!);

        // Uploading into it is as unknown as seeing it.
        Assert.Equal(HttpStatusCode.NotFound, (await client.UploadByApiAsync(a, billing.Id, "sneaky.txt", Text("hello"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.UploadOnPageAsync(a, billing.Id, "sneaky.txt", Text("hello"))).StatusCode);
        Assert.Equal([document.Id], (await app.DocumentsInAsync(billing.Id)).Select(d => d.Id));

        // The owner, in the folder's roles, sees all of it.
        using var ownerClient = await app.SignInAsync(owner);
        var ownerIndex = await ownerClient.GetPageAsync(DocumentsPath(a));
        Assert.Contains(billing.Name, ownerIndex.Body!.TextContent, StringComparison.Ordinal);
        var download = await ownerClient.GetAsync($"{DocumentsPath(a)}/{document.Id}/versions/{version.Id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("Amount due: 4,200", await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Staff_only_folders_never_appear_for_customers_even_owners()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        var notes = await app.CreateFolderAsync(account, "Staff notes " + PorticoApp.Unique(), staffOnly: true);
        var secret = "Risk notes " + PorticoApp.Unique() + ".txt";
        var (document, version) = await app.CreateDocumentAsync(notes, admin, secret, Text("Internal: slow payer"));
        var a = account.Id;

        using var client = await app.SignInAsync(owner);

        var index = await client.GetPageAsync(DocumentsPath(a));
        Assert.DoesNotContain(notes.Name, index.Body!.TextContent, StringComparison.Ordinal);
        Assert.Empty(index.QuerySelectorAll("[data-testid=folder]"));
        await AssertEveryAddressIsNotFoundAsync(client, a, notes.Id, document.Id, version.Id, "slow payer");
        Assert.Empty((await client.Http.GetFromJsonAsync<List<FolderDto>>(new Uri($"{ApiPath(a)}/folders", UriKind.Relative)))!);
        Assert.DoesNotContain(secret, await (await client.GetAsync(ApiPath(a))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.UploadByApiAsync(a, notes.Id, "note.txt", Text("hello"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.UploadOnPageAsync(a, notes.Id, "note.txt", Text("hello"))).StatusCode);
        Assert.Single(await app.DocumentsInAsync(notes.Id));

        // Staff see the folder and its document.
        using var staff = await app.SignInAsync(admin);
        var staffPage = await staff.GetPageAsync($"/staff/accounts/{a}/documents");
        var staffFolder = staffPage.QuerySelectorAll("[data-testid=staff-folder]").Single(f => f.TextContent.Contains(notes.Name, StringComparison.Ordinal));
        Assert.Contains("Staff only", staffFolder.TextContent, StringComparison.Ordinal);
        Assert.Contains(secret, staffFolder.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_that_may_view_but_not_upload_is_refused_clearly_and_nothing_is_stored()
    {
        var (account, billingMember) = await app.CreateCustomerAsync(BuiltInRoles.Billing);
        var contracts = await app.CreateFolderAsync(account, "Contracts " + PorticoApp.Unique(),
            viewRoles: [BuiltInRoles.Owner, BuiltInRoles.Billing], uploadRoles: [BuiltInRoles.Owner]);
        var a = account.Id;
        var storedBefore = FilesUnder(app.StorageRoot());

        using var client = await app.SignInAsync(billingMember);

        var folderPage = await client.GetPageAsync(FolderPath(a, contracts.Id));
        Assert.Empty(folderPage.QuerySelectorAll("input[type=file]"));
        var index = await client.GetPageAsync(DocumentsPath(a));
        var row = index.QuerySelectorAll("[data-testid=folder]").Single(r => r.TextContent.Contains(contracts.Name, StringComparison.Ordinal));
        Assert.Contains("View", row.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("upload", row.TextContent, StringComparison.Ordinal);
        var folders = await client.Http.GetFromJsonAsync<List<FolderDto>>(new Uri($"{ApiPath(a)}/folders", UriKind.Relative));
        Assert.False(folders!.Single(f => f.Id == contracts.Id).CanUpload);

        var onPage = await client.UploadOnPageAsync(a, contracts.Id, "contract.txt", Text("signed"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, onPage.StatusCode);
        Assert.Equal($"Your role cannot upload to the folder {contracts.Name}.", await PageErrorAsync(onPage));

        var byApi = await client.UploadByApiAsync(a, contracts.Id, "contract.txt", Text("signed"));
        Assert.Equal(HttpStatusCode.BadRequest, byApi.StatusCode);
        Assert.Equal($"Your role cannot upload to the folder {contracts.Name}.", await ApiErrorAsync(byApi));

        Assert.Empty(await app.DocumentsInAsync(contracts.Id));
        Assert.Empty(FilesUnder(app.StorageRoot()).Except(storedBefore));
    }

    /// The folder, its document and its version answer 404 on the pages and the API, and show none of the secrets.
    private static async Task AssertEveryAddressIsNotFoundAsync(PorticoClient client, Guid a, Guid folderId, Guid documentId, Guid versionId, params string[] secrets)
    {
        foreach (var url in new[]
        {
            FolderPath(a, folderId),
            $"{DocumentsPath(a)}/{documentId}",
            $"{DocumentsPath(a)}/{documentId}/versions/{versionId}",
            $"{ApiPath(a)}/{documentId}",
            $"{ApiPath(a)}/{documentId}/versions/{versionId}/content",
        })
        {
            var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url} answered {response.StatusCode}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, body, StringComparison.Ordinal));
        }
    }
}
