using Portico.Tests.Staff;

namespace Portico.Tests.Audit;

[Collection(AppCollection.Name)]
public sealed class StaffAuditPageInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_staff_audit_page_reads_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertAdminReadsInGermanAsync("/staff/audit",
            (InGerman.Headings, "Prüfprotokoll", "Audit"),
            (InGerman.Buttons, "Kette prüfen", "Verify the chain"),
            ("main label", "Konto-ID", "Account id"));
    }

    [Fact]
    public async Task Verifying_the_chain_reports_in_German()
    {
        using var client = (await app.SignedInAdminAsync()).AskingForGerman();

        var response = await client.SubmitAsync("/staff/audit", new Dictionary<string, string>(), "Verify");

        var verification = (await PorticoClient.ParseAsync(response)).QuerySelector("[data-testid=verification]")!.TextContent;
        Assert.Matches(@"(Intakt: \d+ Ereignisse geprüft|Unterbrochen bei Ereignis)", verification);
    }
}
