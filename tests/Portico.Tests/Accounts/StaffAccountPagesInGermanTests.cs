using Portico.Tests.Staff;

namespace Portico.Tests.Accounts;

[Collection(AppCollection.Name)]
public sealed class StaffAccountPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_account_list_reads_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertAdminReadsInGermanAsync("/staff/accounts",
            (InGerman.Headings, "Neues Konto", "New account"),
            (InGerman.Buttons, "Anlegen und Owner einladen", "Create and invite the Owner"),
            (InGerman.TableHeaders, "Mitglieder", "Members"));
    }

    [Fact]
    public async Task An_account_reads_in_German_with_its_people_timeline_and_view_as_form()
    {
        var (account, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        await app.AssertAdminReadsInGermanAsync($"/staff/accounts/{account.Id}",
            (InGerman.Headings, "Zwei-Faktor-Anmeldung", "Two-factor sign-in"),
            (InGerman.Headings, "Personen mit Zugang", "People with access"),
            (InGerman.Headings, "Was geschehen ist", "What happened"),
            (InGerman.Headings, "Als Kunde ansehen", "View as a customer"),
            (InGerman.TableHeaders, "Letzte Anmeldung", "Last sign-in"),
            (InGerman.Buttons, "Einladung senden", "Send invitation"));
    }

    [Fact]
    public async Task The_roles_page_reads_in_German()
    {
        await app.AssertAdminReadsInGermanAsync("/staff/roles",
            (InGerman.Headings, "Neue eigene Rolle", "New custom role"),
            (InGerman.TableHeaders, "Berechtigungen", "Permissions"),
            (InGerman.Buttons, "Rolle anlegen", "Create role"));
    }

    [Fact]
    public async Task A_refused_account_and_an_incomplete_role_say_why_in_German()
    {
        using var client = (await app.SignedInAdminAsync()).AskingForGerman();

        var account = await client.PostFormAsync("/staff/accounts?handler=Create", await client.GetPageAsync("/staff/accounts"),
            new Dictionary<string, string> { ["name"] = "  ", ["ownerEmail"] = $"owner-{PorticoApp.Unique()}@example.com" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, account.StatusCode);
        Assert.Equal("Geben Sie dem Konto einen Namen (höchstens 200 Zeichen).",
            (await PorticoClient.ParseAsync(account)).QuerySelector("[data-testid=action-error]")?.TextContent.Trim());

        var role = await client.SubmitAsync("/staff/roles", new Dictionary<string, string> { ["Form.Name"] = "", ["Form.Permissions"] = "requests.view" });
        Assert.Contains("Geben Sie der Rolle einen Namen.", (await PorticoClient.ParseAsync(role)).QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }
}
