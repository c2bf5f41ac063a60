using Portico.Tests.Branding;

namespace Portico.Tests.Languages;

/// Refused forms and addresses say why in German when the browser asks for it.
[Collection(AppCollection.Name)]
public sealed class RefusalsInGermanTests(PorticoApp app)
{
    private const string ActionError = "[data-testid=action-error]";
    private const HttpStatusCode Unprocessable = HttpStatusCode.UnprocessableEntity;

    private static readonly GermanRefusal[] Refusals =
    [
        new("a help search too long", Reader.Owner, Needs.Account, m => $"/a/{m.AccountId}/help?q={new string('x', 201)}", HttpStatusCode.BadRequest,
            [("#q-error", "Suchen Sie nach höchstens 200 Zeichen.")]),
        new("an upload without a file", Reader.Owner, Needs.Folder, m => FolderPath(m.AccountId, m.Id), Unprocessable,
            [(ActionError, "Wählen Sie eine Datei zum Hochladen.")], Sent.Multipart),
        new("a request with a blank subject and no colour", Reader.Requester, Needs.TypeWithEveryField,
            m => $"{NewPath(m.AccountId)}?type={m.Id}", Unprocessable,
            [("#subject-error", "Geben Sie einen Betreff ein."), ("#field-colour-error", "Wählen Sie eine Option für „Colour“."),
                ("[data-testid=form-errors] p", "Bitte korrigieren Sie Folgendes:"), ("main form button[type=submit]", "Anfrage senden")],
            Sent.Multipart, m => new() { ["type"] = m.Id.ToString(), ["subject"] = "  ", ["priority"] = "Normal", ["f.colour"] = "" }),
        new("a reply without a message", Reader.Requester, Needs.Request, m => CustomerPath(m.AccountId, m.Id), Unprocessable,
            [(ActionError, "Schreiben Sie eine Nachricht.")], Sent.Multipart, _ => new() { ["Body"] = "   " }, "Reply"),
        new("an account without a name", Reader.Admin, Needs.Nothing, _ => "/staff/accounts", Unprocessable,
            [(ActionError, "Geben Sie dem Konto einen Namen (höchstens 200 Zeichen).")],
            Sent.Form, _ => new() { ["name"] = "  ", ["ownerEmail"] = $"owner-{PorticoApp.Unique()}@example.com" }, "Create"),
        new("a service level whose resolution is due before its first response", Reader.Admin, Needs.Nothing, _ => "/staff/request-types/edit",
            Unprocessable, [(new Where(".alert.error", Part: true), "Hoch: Die Lösung kann nicht vor der ersten Antwort fällig sein.")], Sent.Multipart,
            _ => new()
            {
                ["Form.Name"] = "Hardware " + PorticoApp.Unique(), ["Form.Description"] = "", ["Form.IsActive"] = "true",
                ["Form.Sla[0].Priority"] = "Low", ["Form.Sla[0].FirstResponseHours"] = "24", ["Form.Sla[0].ResolutionHours"] = "120",
                ["Form.Sla[1].Priority"] = "Normal", ["Form.Sla[1].FirstResponseHours"] = "8", ["Form.Sla[1].ResolutionHours"] = "40",
                ["Form.Sla[2].Priority"] = "High", ["Form.Sla[2].FirstResponseHours"] = "4", ["Form.Sla[2].ResolutionHours"] = "1",
                ["Form.Sla[3].Priority"] = "Urgent", ["Form.Sla[3].FirstResponseHours"] = "1", ["Form.Sla[3].ResolutionHours"] = "4",
            }),
        new("a role without a name", Reader.Admin, Needs.Nothing, _ => "/staff/roles", null,
            [(new Where("main", Part: true), "Geben Sie der Rolle einen Namen.")],
            Sent.Form, _ => new() { ["Form.Name"] = "", ["Form.Permissions"] = "requests.view" }),
        new("an approval rule without a kind", Reader.Admin, Needs.Nothing, _ => "/staff/approvals/rules", Unprocessable,
            [(new Where("[role=alert]", Part: true), "Wählen Sie die Art der Änderung.")],
            Sent.Form, _ => new() { ["Form.Kind"] = "", ["Form.Approver"] = "StaffAdmin" }),
        new("a staff upload without a file", Reader.Admin, Needs.Account, m => $"/staff/accounts/{m.AccountId}/documents", Unprocessable,
            [(ActionError, "Wählen Sie eine Datei zum Hochladen.")], Sent.Form, _ => new() { ["folderId"] = Guid.NewGuid().ToString() }, "Upload"),
        new("a help category without a name", Reader.Admin, Needs.Nothing, _ => "/staff/help", Unprocessable,
            [("#name-error", "Geben Sie der Kategorie einen Namen mit 1 bis 100 Zeichen.")], Sent.Form, _ => new() { ["Name"] = "  " }, "Category"),
        new("an import without a file", Reader.Admin, Needs.Nothing, _ => "/staff/import", Unprocessable,
            [("[data-testid=import-error]", "Wählen Sie eine CSV-Datei."), ("#report-heading", "Ergebnis der Prüfung")],
            Sent.Form, _ => new() { ["Kind"] = "accounts", ["action"] = "check" }),
        new("an insights range that is not a date", Reader.Agent, Needs.Nothing, _ => "/staff/insights?From=yesterday", HttpStatusCode.BadRequest,
            [("#from-error", "„Von“ muss ein Datum sein, etwa 2026-01-31.")]),
        new("an integration without a name", Reader.Admin, Needs.Nothing, _ => "/staff/integrations", null,
            [(ActionError, "Geben Sie der Integration einen Namen mit höchstens 100 Zeichen.")],
            Sent.Form, _ => new() { ["name"] = " ", ["expectedSyncMinutes"] = "60" }, "Create"),
        new("a bulk change of no request", Reader.Admin, Needs.Nothing, _ => "/staff/requests", Unprocessable,
            [(ActionError, "Wählen Sie mindestens eine Anfrage aus.")], Sent.Multipart, _ => new() { ["bulkAssignee"] = "me" }, "Bulk"),
        new("a single sign-on provider without a name", Reader.Admin, Needs.Nothing, _ => "/staff/sso/new", null,
            [("[data-valmsg-for=Name]", "Geben Sie dem Anbieter einen Namen mit 1 bis 100 Zeichen."),
                ("[data-testid=sso-error]", "Der Anbieter wurde nicht gespeichert: Korrigieren Sie die markierten Felder.")],
            Sent.Form, _ => new() { ["Form.Name"] = "" }),
        new("changing one's own role in the team", Reader.Admin, Needs.Nothing, _ => "/staff/team", null,
            [("main [role=alert]", "Sie können Ihre eigene Rolle im Team nicht ändern; bitten Sie einen anderen Admin.")],
            Sent.Form, m => new() { ["userId"] = m.Reader!.Id.ToString(), ["role"] = "Agent" }, "Role"),
        new("a staff search too short", Reader.Admin, Needs.Nothing, _ => "/staff/search?q=x", HttpStatusCode.BadRequest,
            [("[data-testid=search-error]", "Geben Sie mindestens 2 Zeichen ein, um zu suchen.")]),
        new("a setup link that is not valid", Reader.Anonymous, Needs.Nothing, _ => "/setup/not-a-real-token", HttpStatusCode.NotFound,
            [("[data-testid=setup-problem]", "Dieser Einrichtungslink ist ungültig. Prüfen Sie, ob Sie ihn vollständig kopiert haben."),
                ("main h1", "Einrichten")]),
        new("a webhook endpoint without events", Reader.Admin, Needs.Nothing, _ => "/staff/webhooks", null,
            [(ActionError, "Wählen Sie mindestens ein Ereignis.")], Sent.Form, _ => new() { ["url"] = "https://example.com/portico-events" }, "Create"),
    ];

    public static TheoryData<string> Names => GermanScene.Names(Refusals.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public Task Says_why_in_German(string refusal) => Refusals.Single(r => r.Name == refusal).AssertRefusedInGermanAsync(app);

    private async Task<PorticoClient> AdminInGermanAsync() => (await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin))).AskingForGerman();

    [Fact]
    public async Task An_invitation_to_a_bad_address_is_refused_in_German()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var client = (await app.SignInAsync(owner)).AskingForGerman();
        var page = await client.GetPageAsync($"/a/{account.Id}/contacts");
        var roleId = page.QuerySelector("#invite-role option")!.GetAttribute("value")!;

        var response = await client.PostFormAsync($"/a/{account.Id}/contacts?handler=Invite", page,
            new Dictionary<string, string> { ["email"] = "not an address", ["roleId"] = roleId });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Geben Sie die E-Mail-Adresse der Person ein, die Sie einladen möchten, etwa ana@example.com.",
            (await PorticoClient.ParseAsync(response)).QuerySelector(ActionError)?.TextContent.Trim());
    }

    [Fact]
    public async Task A_refused_brand_names_its_problems_in_German()
    {
        using var client = await AdminInGermanAsync();

        // Nothing is saved, so the portal's brand stays as the other tests expect it.
        var response = await BrandingTests.SaveAsync(client, BrandingTests.Fields("", primary: "#777777"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Equal("Der Name des Portals braucht 1 bis 80 Zeichen.", page.GetElementById("brand-name-error")?.TextContent.Trim());
        Assert.StartsWith("Weiße Schrift auf der Primärfarbe #777777 hat ein Kontrastverhältnis von 4,4", page.GetElementById("brand-primary-error")?.TextContent.Trim());
        Assert.StartsWith("Der Markenauftritt wurde nicht gespeichert.", page.QuerySelector("[data-testid=branding-error]")?.TextContent.Trim());
    }

    [Fact]
    public async Task A_request_type_without_a_name_is_refused_in_German()
    {
        using var admin = await AdminInGermanAsync();
        var editor = await admin.GetPageAsync("/staff/request-types/edit");
        var fields = editor.QuerySelectorAll("main form input[name], main form select[name]")
            .Where(e => e.GetAttribute("type") is not ("checkbox" or "submit") && !e.GetAttribute("name")!.StartsWith("__", StringComparison.Ordinal))
            .ToDictionary(e => e.GetAttribute("name")!, e => e.GetAttribute("value") ?? (e.QuerySelector("option")?.GetAttribute("value") ?? ""));
        fields["Form.Name"] = "";

        var saved = await admin.PostFormAsync("/staff/request-types/edit", editor, fields);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, saved.StatusCode);
        Assert.Equal("Geben Sie der Art einen Namen.", (await PorticoClient.ParseAsync(saved)).QuerySelector("[data-valmsg-for='Form.Name']")?.TextContent.Trim());
    }

    [Fact]
    public async Task Verifying_the_audit_chain_reports_in_German()
    {
        using var client = await AdminInGermanAsync();

        var response = await client.SubmitAsync("/staff/audit", new Dictionary<string, string>(), "Verify");

        var verification = (await PorticoClient.ParseAsync(response)).QuerySelector("[data-testid=verification]")!.TextContent;
        Assert.Matches(@"(Intakt: \d+ Ereignisse geprüft|Unterbrochen bei Ereignis)", verification);
    }
}
