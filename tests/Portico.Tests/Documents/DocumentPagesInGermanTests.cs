namespace Portico.Tests.Documents;

[Collection(AppCollection.Name)]
public sealed class DocumentPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_documents_and_a_folder_read_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account, viewRoles: [BuiltInRoles.Owner], uploadRoles: [BuiltInRoles.Owner]);
        using var client = await app.SignInAsync(owner);

        await client.AssertGermanAndEnglishAsync(DocumentsPath(account.Id),
            (InGerman.Headings, "Dokumente", "Documents"),
            (InGerman.TableHeaders, "Sie können", "You can"));
        await client.AssertGermanAndEnglishAsync(FolderPath(account.Id, folder.Id),
            (InGerman.Headings, "Hochladen", "Upload"),
            (InGerman.Buttons, "Hochladen", "Upload"));
    }

    [Fact]
    public async Task An_upload_without_a_file_is_refused_in_German()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account, viewRoles: [BuiltInRoles.Owner], uploadRoles: [BuiltInRoles.Owner]);
        using var client = (await app.SignInAsync(owner)).AskingForGerman();
        var page = await client.GetPageAsync(FolderPath(account.Id, folder.Id));

        var response = await client.PostMultipartAsync(FolderPath(account.Id, folder.Id), page, []);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Wählen Sie eine Datei zum Hochladen.", await PageErrorAsync(response));
    }
}
