using Portico.Tests.Staff;

namespace Portico.Tests.Approvals;

[Collection(AppCollection.Name)]
public sealed class StaffApprovalPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_staff_approvals_and_their_rules_read_in_German_when_the_browser_asks_for_it()
    {
        await app.AssertAdminReadsInGermanAsync("/staff/approvals",
            (InGerman.Headings, "Genehmigungen", "Approvals"));
        await app.AssertAdminReadsInGermanAsync("/staff/approvals/rules",
            (InGerman.Headings, "Regel hinzufügen oder ändern", "Add or change a rule"),
            (InGerman.TableHeaders, "Genehmigt von", "Approved by"),
            (InGerman.Buttons, "Regel speichern", "Save rule"));
    }

    [Fact]
    public async Task An_incomplete_rule_says_what_is_missing_in_German()
    {
        using var client = (await app.SignedInAdminAsync()).AskingForGerman();

        var response = await client.SubmitAsync("/staff/approvals/rules", new Dictionary<string, string> { ["Form.Kind"] = "", ["Form.Approver"] = "StaffAdmin" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Wählen Sie die Art der Änderung.", (await PorticoClient.ParseAsync(response)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
    }
}
