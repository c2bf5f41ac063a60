namespace Portico.Tests.SingleSignOn;

[Collection(AppCollection.Name)]
public sealed class StaffSingleSignOnPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_provider_pages_read_in_German_for_an_admin_whose_browser_asks_for_it()
    {
        using var admin = await app.SignInStaffAsync(StaffRole.Admin);

        await admin.AssertGermanAndEnglishAsync("/staff/sso",
            (InGerman.Headings, "Single Sign-on", "Single sign-on"),
            (InGerman.Buttons, "Anbieter hinzufügen", "Add a provider"));
        await admin.AssertGermanAndEnglishAsync("/staff/sso/new",
            (InGerman.Headings, "Anbieter hinzufügen", "Add a provider"),
            (InGerman.Buttons, "Speichern", "Save"),
            ("main label", "Rolle neuer Mitglieder", "Role of new members"));
    }

    [Fact]
    public async Task A_provider_without_a_name_is_refused_in_German()
    {
        using var admin = (await app.SignInStaffAsync(StaffRole.Admin)).AskingForGerman();

        var response = await admin.SubmitAsync("/staff/sso/new", new Dictionary<string, string> { ["Form.Name"] = "" });

        var page = await PorticoClient.ParseAsync(response);
        Assert.Equal("Geben Sie dem Anbieter einen Namen mit 1 bis 100 Zeichen.", page.QuerySelector("[data-valmsg-for=Name]")?.TextContent.Trim());
        Assert.Equal("Der Anbieter wurde nicht gespeichert: Korrigieren Sie die markierten Felder.", page.QuerySelector("[data-testid=sso-error]")?.TextContent.Trim());
    }
}
