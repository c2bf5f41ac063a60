namespace Portico.Tests.Requests;

/// The admin's request type editor, and what its settings mean for customers.
public sealed class RequestTypeEditorTests(PorticoApp app) : AppTests
{
    private const string EditPath = "/staff/request-types/edit";

    /// The editor's form with the default service levels and the given fields and roles.
    private static List<KeyValuePair<string, string>> TypeForm(string name, IEnumerable<(string Label, FieldKind Kind, bool Required, string Options)> fields,
        IEnumerable<string>? allowedRoles = null)
    {
        List<KeyValuePair<string, string>> form =
        [
            Field("Form.Name", name), Field("Form.Description", "Created in the editor"), Field("Form.IsActive", "true"),
        ];
        form.AddRange((allowedRoles ?? []).Select(role => Field("Form.AllowedRoles", role)));
        foreach (var (f, i) in fields.Select((f, i) => (f, i)))
        {
            form.Add(Field($"Form.Fields[{i}].Label", f.Label));
            form.Add(Field($"Form.Fields[{i}].Kind", f.Kind.ToString()));
            form.Add(Field($"Form.Fields[{i}].Required", f.Required ? "true" : "false"));
            form.Add(Field($"Form.Fields[{i}].Options", f.Options));
        }
        foreach (var (sla, i) in RequestType.DefaultSla().Select((s, i) => (s, i)))
        {
            form.Add(Field($"Form.Sla[{i}].Priority", sla.Priority.ToString()));
            form.Add(Field($"Form.Sla[{i}].FirstResponseHours", sla.FirstResponseHours.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            form.Add(Field($"Form.Sla[{i}].ResolutionHours", sla.ResolutionHours.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return form;
    }

    private async Task<PorticoClient> AdminAsync() => await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));

    private static async Task<HttpResponseMessage> SaveAsync(PorticoClient admin, List<KeyValuePair<string, string>> form)
    {
        var page = await admin.GetPageAsync(EditPath);
        return await admin.PostMultipartAsync(EditPath, page, form);
    }

    private Task<RequestType?> TypeNamedAsync(string name) =>
        app.WithDbAsync((db, _) => db.RequestTypes.AsNoTracking().SingleOrDefaultAsync(t => t.Name == name));

    private static async Task<string> ErrorsAsync(HttpResponseMessage response) =>
        (await PorticoClient.ParseAsync(response)).QuerySelector(".alert.error")?.TextContent ?? "";

    [Theory]
    [InlineData(FieldKind.Choice, "Red")]
    [InlineData(FieldKind.Choice, "")]
    [InlineData(FieldKind.MultiChoice, "Red\n  \nRed")]
    public async Task A_choice_field_without_two_options_is_refused(FieldKind kind, string options)
    {
        using var admin = await AdminAsync();
        var name = "Hardware " + PorticoApp.Unique();

        var response = await SaveAsync(admin, TypeForm(name, [("Colour", kind, true, options)]));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("\"Colour\": a choice needs at least two options, one per line.", await ErrorsAsync(response), StringComparison.Ordinal);
        Assert.Null(await TypeNamedAsync(name));
    }

    [Fact]
    public async Task A_type_with_fields_is_saved_with_stable_keys_and_audited()
    {
        using var admin = await AdminAsync();
        var name = "Hardware " + PorticoApp.Unique();

        var response = await SaveAsync(admin, TypeForm(name,
            [("Colour", FieldKind.Choice, true, "Red\r\nGreen\r\nRed"), ("Serial number", FieldKind.Text, false, "ignored for text")]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var type = await TypeNamedAsync(name);
        Assert.NotNull(type);
        Assert.True(type.IsActive);
        Assert.Equal(
            [new RequestField("colour", "Colour", FieldKind.Choice, true, ["Red", "Green"]), new RequestField("serial-number", "Serial number", FieldKind.Text, false, [])],
            type.Fields, (a, b) => a.Key == b.Key && a.Label == b.Label && a.Kind == b.Kind && a.Required == b.Required && a.Options.SequenceEqual(b.Options));
        Assert.Empty(type.AllowedRoles);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.RequestTypeSaved && e.TargetId == type.Id.ToString())));
    }

    [Fact]
    public async Task A_type_for_owners_only_is_not_offered_to_a_requester_and_their_submission_is_refused()
    {
        using var admin = await AdminAsync();
        var name = "Contract change " + PorticoApp.Unique();
        var saved = await SaveAsync(admin, TypeForm(name, [], allowedRoles: [BuiltInRoles.Owner]));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var type = (await TypeNamedAsync(name))!;
        Assert.Equal([BuiltInRoles.Owner], type.AllowedRoles);
        var account = await app.CreateAccountAsync();
        var owner = await app.CreateMemberAsync(account, BuiltInRoles.Owner);
        var requester = await app.CreateMemberAsync(account, BuiltInRoles.Requester);
        using var requesterClient = await app.SignInAsync(requester);
        using var ownerClient = await app.SignInAsync(owner);

        var choices = await requesterClient.GetPageAsync(NewPath(account.Id));
        Assert.DoesNotContain(name, choices.Body!.TextContent, StringComparison.Ordinal);
        var direct = await requesterClient.Http.GetAsync(new Uri($"{NewPath(account.Id)}?type={type.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);
        var posted = await requesterClient.PostMultipartAsync(NewPath(account.Id), choices, [Field("type", type.Id.ToString()), Field("subject", "Let me change the contract")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, posted.StatusCode);
        Assert.Equal("Choose a request type you may submit.", (await PorticoClient.ParseAsync(posted)).QuerySelector("[data-testid=form-errors]")?.TextContent.Trim());
        var types = await requesterClient.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/accounts/{account.Id}/request-types", UriKind.Relative));
        Assert.DoesNotContain(types.EnumerateArray(), t => t.GetProperty("id").GetGuid() == type.Id);
        var api = await requesterClient.Http.PostAsJsonAsync(new Uri($"/api/accounts/{account.Id}/requests", UriKind.Relative), new { typeId = type.Id, subject = "Via the API" });
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Equal("Choose a request type you may submit.", (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("type")[0].GetString());
        Assert.Equal(0, await app.RequestCountAsync(account.Id));

        // The owner is offered the type and may submit it.
        Assert.Contains(name, (await ownerClient.GetPageAsync(NewPath(account.Id))).Body!.TextContent, StringComparison.Ordinal);
        await ownerClient.SubmitAsync(account.Id, type.Id, "Change the contract");
        Assert.Equal(1, await app.RequestCountAsync(account.Id));
    }

    [Fact]
    public async Task Roles_that_cannot_submit_requests_and_assignees_who_are_not_agents_are_refused()
    {
        using var admin = await AdminAsync();
        var finance = await app.CreateUserAsync(staffRole: StaffRole.Finance);
        var name = "Invoices " + PorticoApp.Unique();
        var form = TypeForm(name, [], allowedRoles: [BuiltInRoles.Viewer]);
        form.Add(Field("Form.DefaultAssigneeId", finance.Id.ToString()));

        var response = await SaveAsync(admin, form);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = await ErrorsAsync(response);
        Assert.Contains("These roles cannot submit requests: Viewer.", errors, StringComparison.Ordinal);
        Assert.Contains("The default assignee must be an agent or admin.", errors, StringComparison.Ordinal);
        Assert.Null(await TypeNamedAsync(name));
    }
}
