namespace Portico.Tests.Requests;

[Collection(AppCollection.Name)]
public sealed class StaffRequestPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_queue_and_a_request_read_in_German_for_an_agent_whose_browser_asks_for_it()
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync();
        var request = await app.CreateRequestAsync(account, user, type, "Printer " + PorticoApp.Unique());
        using var staff = await app.SignInAsync(agent);

        await staff.AssertGermanAndEnglishAsync($"/staff/requests?account={account.Id}",
            (InGerman.Headings, "Anfragen-Warteschlange", "Request queue"),
            (InGerman.Buttons, "Anwenden", "Apply"),
            (InGerman.TableHeaders, "Zuständig", "Assignee"));
        await staff.AssertGermanAndEnglishAsync(StaffPath(request.Id),
            (InGerman.Headings, "Antworten oder Notiz hinzufügen", "Reply or add a note"),
            (InGerman.Buttons, "Status ändern", "Change status"),
            ("main dt", "Zeit bis zur Lösung", "Time to resolution"));
        await staff.AssertGermanAndEnglishAsync($"/staff/requests/log?account={account.Id}",
            ("main legend", "Eingegangen per", "It came in by"),
            (InGerman.Buttons, "Weiter", "Continue"));
    }

    [Fact]
    public async Task The_request_types_and_their_editor_read_in_German_for_an_admin()
    {
        await app.CreateRequestTypeAsync();
        using var admin = await app.SignInStaffAsync(StaffRole.Admin);

        await admin.AssertGermanAndEnglishAsync("/staff/request-types",
            (InGerman.Headings, "Anfragearten", "Request types"),
            (InGerman.TableHeaders, "Wer sie stellen darf", "Who may submit"));
        await admin.AssertGermanAndEnglishAsync("/staff/request-types/edit",
            (InGerman.Headings, "Servicelevel", "Service levels"),
            (InGerman.Buttons, "Anfrageart speichern", "Save request type"),
            ("main select option", "Kurzer Text", "Short text"));
    }

    [Fact]
    public async Task A_refused_bulk_change_and_a_nameless_type_say_why_in_German()
    {
        using var admin = (await app.SignInStaffAsync(StaffRole.Admin)).AskingForGerman();
        var queue = await admin.GetPageAsync("/staff/requests");

        var bulk = await admin.PostMultipartAsync("/staff/requests?handler=Bulk", queue, [Field("bulkAssignee", "me")]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, bulk.StatusCode);
        Assert.Equal("Wählen Sie mindestens eine Anfrage aus.", await ActionErrorAsync(bulk));

        var editor = await admin.GetPageAsync("/staff/request-types/edit");
        var fields = editor.QuerySelectorAll("main form input[name], main form select[name]")
            .Where(e => e.GetAttribute("type") is not ("checkbox" or "submit") && !e.GetAttribute("name")!.StartsWith("__", StringComparison.Ordinal))
            .ToDictionary(e => e.GetAttribute("name")!, e => e.GetAttribute("value") ?? (e.QuerySelector("option")?.GetAttribute("value") ?? ""));
        fields["Form.Name"] = "";
        var saved = await admin.PostFormAsync("/staff/request-types/edit", editor, fields);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, saved.StatusCode);
        var page = await PorticoClient.ParseAsync(saved);
        Assert.Equal("Geben Sie der Art einen Namen.", page.QuerySelector("[data-valmsg-for='Form.Name']")?.TextContent.Trim());
    }
}
