namespace Portico.Tests.Integrations;

[Collection(AppCollection.Name)]
public sealed class StaffIntegrationsPageInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_integrations_page_reads_in_German_for_an_admin_whose_browser_asks_for_it()
    {
        await app.AssertStaffReadsInGermanAsync(StaffRole.Admin, "/staff/integrations",
            (InGerman.Headings, "Integrationen", "Integrations"),
            (InGerman.Headings, "Führendes System", "System of record"),
            (InGerman.Buttons, "Integration hinzufügen", "Add integration"),
            ("main label", "Rechnungen", "Invoices"));
    }

    [Fact]
    public async Task An_integration_without_a_name_is_refused_in_German()
    {
        using var admin = (await app.SignInStaffAsync(StaffRole.Admin)).AskingForGerman();

        var response = await admin.SubmitAsync("/staff/integrations", new Dictionary<string, string> { ["name"] = " ", ["expectedSyncMinutes"] = "60" }, "Create");

        Assert.Equal("Geben Sie der Integration einen Namen mit höchstens 100 Zeichen.",
            (await PorticoClient.ParseAsync(response)).QuerySelector("[data-testid=action-error]")?.TextContent.Trim());
    }
}
