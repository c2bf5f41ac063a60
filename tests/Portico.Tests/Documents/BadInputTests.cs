namespace Portico.Tests.Documents;

/// Names, sizes and contents that must be refused or cleaned, on an app whose storage folder
/// is its own, so "nothing stored" is checked against every file it holds.
[Collection(DocumentStorageCollection.Name)]
public sealed class BadInputTests(DocumentStorageApp app)
{
    /// The same file uploaded on the folder page and through the API: the page answers 422 and the API 400, both with the
    /// message, and nothing is stored.
    private async Task AssertRefusedBothWaysAsync(PorticoClient client, Account account, DocumentFolder folder, string name, byte[] content, string message)
    {
        var onPage = await client.UploadOnPageAsync(account.Id, folder.Id, name, content);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, onPage.StatusCode);
        Assert.Equal(message, await PageErrorAsync(onPage));

        var byApi = await client.UploadByApiAsync(account.Id, folder.Id, name, content);
        Assert.Equal(HttpStatusCode.BadRequest, byApi.StatusCode);
        Assert.Equal(message, await ApiErrorAsync(byApi));

        await app.AssertNothingStoredInAsync(folder.Id);
    }

    [Theory]
    [InlineData("../../etc/passwd.txt", "passwd.txt", false)]
    [InlineData("..\\..\\x.txt", "x.txt", false)]
    [InlineData("../../etc/passwd.txt", "passwd.txt", true)]
    [InlineData("..\\..\\x.txt", "x.txt", true)]
    public async Task Path_traversal_names_are_cleaned_to_their_last_segment_and_stored_inside_the_root(string rawName, string expected, bool onPage)
    {
        var (account, folder, client) = await app.SignedInOwnerWithFolderAsync();
        using var _ = client;
        var content = Text("root:x:0:0:not really " + PorticoApp.Unique());

        var response = onPage
            ? await client.UploadOnPageAsync(account.Id, folder.Id, rawName, content)
            : await client.UploadByApiAsync(account.Id, folder.Id, rawName, content);

        Assert.Equal(onPage ? HttpStatusCode.Redirect : HttpStatusCode.Created, response.StatusCode);
        var document = Assert.Single(await app.DocumentsInAsync(folder.Id));
        Assert.Equal(expected, document.Name);
        var version = Assert.Single(await app.VersionsOfAsync(document.Id));
        Assert.Matches("^[0-9a-f]{32}$", version.StorageKey);
        Assert.Equal(content, await File.ReadAllBytesAsync(BlobPath(app.Root, version.StorageKey)));
        // Nothing anywhere in the sandbox but blobs inside the root; nothing by the given name.
        var files = FilesUnder(app.Sandbox);
        Assert.All(files, f => Assert.StartsWith(app.Root + Path.DirectorySeparatorChar, f, StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => Path.GetFileName(f) == expected);
        Assert.False(File.Exists(Path.Combine(app.Root, "../../etc/passwd.txt")));
        await app.AssertStorageHoldsOnlySavedVersionsAsync();
    }

    [Fact]
    public async Task An_empty_file_is_refused_clearly_and_nothing_is_stored()
    {
        var (account, folder, client) = await app.SignedInOwnerWithFolderAsync();
        using var _ = client;

        await AssertRefusedBothWaysAsync(client, account, folder, "empty.txt", [], "\"empty.txt\" is empty.");
    }

    [Fact]
    public async Task A_form_sent_to_the_upload_api_is_refused_with_415_and_nothing_is_stored()
    {
        var (account, folder, client) = await app.SignedInOwnerWithFolderAsync();
        using var _ = client;
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Text("quarterly figures")), "file", "figures.txt" } };
        using var fields = new FormUrlEncodedContent(new Dictionary<string, string> { ["file"] = "quarterly figures" });

        foreach (HttpContent body in new HttpContent[] { form, fields })
        {
            var response = await client.UploadByApiAsync(account.Id, folder.Id, "figures.txt", body);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(text.Contains("as application/octet-stream", StringComparison.Ordinal), text);
        }

        await app.AssertNothingStoredInAsync(folder.Id);
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_clearly_and_leaves_no_version_and_no_blob()
    {
        var (account, folder, client) = await app.SignedInOwnerWithFolderAsync();
        using var _ = client;
        var tooBig = new byte[DocumentStorageApp.MaxFileBytes + 1];
        Array.Fill(tooBig, (byte)'x');

        await AssertRefusedBothWaysAsync(client, account, folder, "big.txt", tooBig, "\"big.txt\" is larger than the limit of 64 KB.");

        // Exactly at the limit is accepted.
        var atLimit = await client.UploadByApiAsync(account.Id, folder.Id, "big.txt", tooBig[..^1]);
        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
        Assert.Equal(DocumentStorageApp.MaxFileBytes, Assert.Single(await app.VersionsInAsync(folder.Id)).Size);
    }

    [Fact]
    public async Task A_name_of_1000_characters_is_refused_clearly()
    {
        var (account, folder, client) = await app.SignedInOwnerWithFolderAsync();
        using var _ = client;
        var name = new string('n', 996) + ".txt";

        await AssertRefusedBothWaysAsync(client, account, folder, name, Text("hello"), "File names can be at most 200 characters (this one has 1,000).");
    }

    [Theory]
    [InlineData("contract.pdf", "This is plain text pretending to be a PDF.")]
    [InlineData("photo.png", "%PDF-1.4 a PDF pretending to be a picture")]
    [InlineData("notes.txt", "MZ\u0090\u0000 an executable pretending to be text")]
    public async Task A_file_whose_bytes_contradict_its_name_is_refused(string name, string content)
    {
        var (account, folder, client) = await app.SignedInOwnerWithFolderAsync();
        using var _ = client;
        var extension = Path.GetExtension(name);

        await AssertRefusedBothWaysAsync(client, account, folder, name, Text(content),
            $"The content of \"{name}\" does not match its name. Check that it is really a {extension} file.");
    }

    [Fact]
    public async Task A_folder_id_from_another_account_answers_404_and_nothing_is_stored()
    {
        var (account, _, client) = await app.SignedInOwnerWithFolderAsync();
        using var __ = client;
        var other = await app.CreateAccountAsync();
        var foreign = await app.CreateFolderAsync(other, "Their folder " + PorticoApp.Unique());

        var byApi = await client.UploadByApiAsync(account.Id, foreign.Id, "planted.txt", Text("planted"));
        Assert.Equal(HttpStatusCode.NotFound, byApi.StatusCode);
        var onPage = await client.UploadOnPageAsync(account.Id, foreign.Id, "planted.txt", Text("planted"));
        Assert.Equal(HttpStatusCode.NotFound, onPage.StatusCode);
        Assert.DoesNotContain(foreign.Name, await onPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Its own account in the address does not help either.
        var direct = await client.UploadByApiAsync(other.Id, foreign.Id, "planted.txt", Text("planted"));
        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);

        Assert.Empty(await app.DocumentsInAsync(foreign.Id));
        var listed = await client.Http.GetFromJsonAsync<List<DocumentDto>>(new Uri(ApiPath(account.Id), UriKind.Relative));
        Assert.Empty(listed!);
        await app.AssertStorageHoldsOnlySavedVersionsAsync();
    }
}
