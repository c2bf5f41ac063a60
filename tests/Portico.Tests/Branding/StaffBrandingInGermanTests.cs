using Portico.Tests.Staff;

namespace Portico.Tests.Branding;

[Collection(AppCollection.Name)]
public sealed class StaffBrandingInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_branding_page_reads_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertAdminReadsInGermanAsync("/staff/branding",
            (InGerman.Headings, "Vorschau", "Preview"),
            (InGerman.Buttons, "Markenauftritt speichern", "Save the brand"),
            ("main label", "Primärfarbe", "Primary colour"));
    }

    [Fact]
    public async Task A_refused_brand_names_its_problems_in_German()
    {
        using var client = (await app.SignedInAdminAsync()).AskingForGerman();

        // Nothing is saved, so the portal's brand stays as the other tests expect it.
        var response = await BrandingTests.SaveAsync(client, BrandingTests.Fields("", primary: "#777777"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Equal("Der Name des Portals braucht 1 bis 80 Zeichen.", page.GetElementById("brand-name-error")?.TextContent.Trim());
        Assert.StartsWith("Weiße Schrift auf der Primärfarbe #777777 hat ein Kontrastverhältnis von 4,4", page.GetElementById("brand-primary-error")?.TextContent.Trim());
        Assert.StartsWith("Der Markenauftritt wurde nicht gespeichert.", page.QuerySelector("[data-testid=branding-error]")?.TextContent.Trim());
    }
}
