using Portico.Tests.Staff;

namespace Portico.Tests.Documents;

[Collection(AppCollection.Name)]
public sealed class StaffDocumentPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task An_accounts_documents_read_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        var account = await app.CreateAccountAsync();
        await app.AssertAdminReadsInGermanAsync($"/staff/accounts/{account.Id}/documents",
            (InGerman.Headings, "Neuer Ordner", "New folder"),
            (InGerman.Headings, "Ein Dokument beim Konto anfordern", "Ask the account for a document"),
            (InGerman.Buttons, "Ordner anlegen", "Create folder"),
            (InGerman.Buttons, "Anfordern", "Ask for it"));
    }

    [Fact]
    public async Task An_upload_without_a_file_is_refused_in_German()
    {
        var account = await app.CreateAccountAsync();
        using var client = (await app.SignedInAdminAsync()).AskingForGerman();
        var url = $"/staff/accounts/{account.Id}/documents";

        var response = await client.PostFormAsync(url + "?handler=Upload", await client.GetPageAsync(url),
            new Dictionary<string, string> { ["folderId"] = Guid.NewGuid().ToString() });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Wählen Sie eine Datei zum Hochladen.", (await PorticoClient.ParseAsync(response)).QuerySelector("[data-testid=action-error]")?.TextContent.Trim());
    }
}
