using Portico.Tests.Staff;

namespace Portico.Tests.Imports;

[Collection(AppCollection.Name)]
public sealed class StaffImportInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_import_page_reads_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertAdminReadsInGermanAsync("/staff/import",
            (InGerman.Headings, "Import aus CSV", "Import from CSV"),
            (InGerman.Buttons, "Prüfen (Probelauf)", "Check (dry run)"),
            ("main label", "Die Datei enthält", "The file contains"));
    }

    [Fact]
    public async Task An_import_without_a_file_is_refused_in_German()
    {
        using var client = (await app.SignedInAdminAsync()).AskingForGerman();

        var response = await client.SubmitAsync("/staff/import", new Dictionary<string, string> { ["Kind"] = "accounts", ["action"] = "check" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Equal("Wählen Sie eine CSV-Datei.", page.QuerySelector("[data-testid=import-error]")?.TextContent.Trim());
        Assert.Equal("Ergebnis der Prüfung", page.GetElementById("report-heading")?.TextContent.Trim());
    }
}
