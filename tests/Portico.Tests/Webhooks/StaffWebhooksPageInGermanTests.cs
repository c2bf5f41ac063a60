namespace Portico.Tests.Webhooks;

[Collection(AppCollection.Name)]
public sealed class StaffWebhooksPageInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_webhooks_page_reads_in_German_for_an_admin_whose_browser_asks_for_it()
    {
        await app.AssertStaffReadsInGermanAsync(StaffRole.Admin, "/staff/webhooks",
            (InGerman.Headings, "Neuer Endpunkt", "New endpoint"),
            (InGerman.Headings, "Zustellprotokoll", "Delivery log"),
            (InGerman.Buttons, "Endpunkt hinzufügen", "Add endpoint"),
            (InGerman.TableHeaders, "Versuche", "Attempts"));
    }

    [Fact]
    public async Task An_endpoint_without_events_is_refused_in_German()
    {
        using var admin = (await app.SignInStaffAsync(StaffRole.Admin)).AskingForGerman();

        var response = await admin.SubmitAsync("/staff/webhooks", new Dictionary<string, string> { ["url"] = "https://example.com/portico-events" }, "Create");

        Assert.Equal("Wählen Sie mindestens ein Ereignis.", (await PorticoClient.ParseAsync(response)).QuerySelector("[data-testid=action-error]")?.TextContent.Trim());
    }
}
