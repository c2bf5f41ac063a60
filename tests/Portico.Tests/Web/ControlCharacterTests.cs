using Portico.Tests.Requests;

namespace Portico.Tests.Web;

public sealed class ControlCharacterRulesTests
{
    [Theory]
    [InlineData("\0abc", '\0')]
    [InlineData("A\u0001B", '\u0001')]
    [InlineData("escape \u001b[31m red", '\u001b')]
    [InlineData("unit\u001fseparator", '\u001f')]
    [InlineData("bell\a", '\a')]
    [InlineData("form\ffeed", '\f')]
    public void C0_control_characters_are_found(string text, char expected) => Assert.Equal(expected, ControlCharacters.Find(text));

    [Theory]
    [InlineData("")]
    [InlineData("Plain text")]
    [InlineData("Tab\tseparated")]
    [InlineData("Two\r\nlines\n")]
    [InlineData("Zoë, Łódź, 東京, emoji 🎉")]
    [InlineData("\u007f and \u0085 are not C0")]
    public void Tabs_line_breaks_and_other_text_are_accepted(string text) => Assert.Null(ControlCharacters.Find(text));
}

/// A NUL or another C0 control character in any input answers 400 naming the field, on pages and the API, and nothing is stored.
public sealed class ControlCharacterTests(PorticoApp app) : AppTests
{
    private static async Task<string> RefusalOnPageAsync(HttpResponseMessage response)
    {
        var page = await PorticoClient.ParseAsync(response);
        Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"Expected 400, got {(int)response.StatusCode}: {page.QuerySelector("main")?.TextContent}");
        return page.QuerySelector("[data-testid=refused-input]")?.TextContent ?? throw new InvalidOperationException("No refusal on the page: " + page.Body?.TextContent);
    }

    private static async Task<Dictionary<string, string[]>> ProblemErrorsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return JsonSerializer.Deserialize<JsonElement>(body).GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }

    [Fact]
    public async Task A_nul_in_the_profile_name_answers_400_naming_the_field_and_the_name_stays()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Viewer);
        var page = await client.GetPageAsync("/account/profile");

        var response = await client.PostFormAsync("/account/profile", page, new Dictionary<string, string> { ["Form.DisplayName"] = "\0abc" });

        Assert.Contains("Form.DisplayName contains a control character (U+0000)", await RefusalOnPageAsync(response), StringComparison.Ordinal);
        Assert.Equal(user.DisplayName, await app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.DisplayName).SingleAsync()));
    }

    [Fact]
    public async Task A_nul_in_the_company_city_answers_400_naming_the_field_and_no_change_is_asked()
    {
        var (account, owner, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);

        var response = await client.RequestAddressAsync(account.Id, "1 Rue de la Paix", city: "A\0B");

        Assert.Contains("Form.City contains a control character", await RefusalOnPageAsync(response), StringComparison.Ordinal);
        Assert.Empty(await app.ChangesAsync(account.Id));
        Assert.Null((await app.WithDbAsync((db, _) => db.Accounts.AsNoTracking().SingleAsync(a => a.Id == account.Id))).Address);
    }

    [Fact]
    public async Task A_control_character_in_a_form_the_page_reads_itself_is_refused_too()
    {
        var (_, type, account, user) = await app.CreateAgentTypeAndCustomerAsync(role: BuiltInRoles.Owner);
        using var client = await app.SignInAsync(user);

        var response = await client.PostNewRequestAsync(account.Id, type.Id, [RequestSteps.Field("subject", "Printer \u001b[2J broken")]);

        Assert.Contains("subject contains a control character (U+001B)", await RefusalOnPageAsync(response), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync((db, _) => db.Requests.AnyAsync(r => r.AccountId == account.Id)));
    }

    [Fact]
    public async Task A_nul_in_the_query_string_of_a_page_is_refused_with_the_parameter_named()
    {
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);

        var response = await client.Http.GetAsync(new Uri($"/a/{account.Id}/company?done=%00", UriKind.Relative));

        Assert.Contains("done contains a control character", await RefusalOnPageAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_created_through_the_api_with_a_nul_in_its_subject_or_a_field_gets_a_400_problem_naming_it()
    {
        var (_, type, account, user) = await app.CreateAgentTypeAndCustomerAsync([new("details", "Details", Portico.Features.Requests.FieldKind.LongText, Required: false, [])], role: BuiltInRoles.Owner);
        using var client = await app.SignInAsync(user);
        var api = new Uri($"/api/accounts/{account.Id}/requests", UriKind.Relative);

        var inSubject = await client.Http.PostAsJsonAsync(api, new { typeId = type.Id, subject = "Broken\0printer" });
        var inField = await client.Http.PostAsJsonAsync(api, new { typeId = type.Id, subject = "Broken printer", fields = new { details = new List<string> { "ok", "not\u0007ok" } } });
        var inQuery = await client.Http.GetAsync(new Uri($"/api/accounts/{account.Id}/requests?status=%00", UriKind.Relative));

        Assert.Contains("subject contains a control character (U+0000)", Assert.Single((await ProblemErrorsAsync(inSubject))["subject"]), StringComparison.Ordinal);
        Assert.Contains("(U+0007)", Assert.Single((await ProblemErrorsAsync(inField))["fields.details[1]"]), StringComparison.Ordinal);
        Assert.Contains("status contains a control character", Assert.Single((await ProblemErrorsAsync(inQuery))["status"]), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync((db, _) => db.Requests.AnyAsync(r => r.AccountId == account.Id)));

        // Tabs and line breaks are text.
        var fine = await client.Http.PostAsJsonAsync(api, new { typeId = type.Id, subject = "Broken\tprinter", fields = new { details = "First line\r\nsecond line" } });
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);
    }

    [Fact]
    public async Task The_api_description_still_gives_text_fields_as_strings()
    {
        using var client = app.Anonymous();
        var document = JsonDocument.Parse(await client.Http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        var schemas = document.GetProperty("components").GetProperty("schemas");

        Assert.Equal(["null", "string"], schemas.GetProperty("CreateRequestDto").GetProperty("properties").GetProperty("subject").GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("string", schemas.GetProperty("RequestField").GetProperty("properties").GetProperty("options").GetProperty("items").GetProperty("type").GetString());
    }
}
