namespace Portico.Tests.Identity;

public sealed class ProfileTests(PorticoApp app) : AppTests
{
    private static Task<HttpResponseMessage> SaveAsync(PorticoClient client, string displayName) =>
        client.SubmitAsync("/account/profile", new Dictionary<string, string> { ["Form.DisplayName"] = displayName });

    private Task<string> StoredNameAsync(PorticoUser user) =>
        app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.DisplayName).SingleAsync());

    [Fact]
    public async Task A_customer_renames_themselves_and_the_header_shows_the_new_name()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Viewer);
        var page = await client.GetPageAsync("/account/profile");
        Assert.NotNull(page.QuerySelector("header a[href='/account/profile']"));
        Assert.Equal(user.Email, page.QuerySelector("#email")!.GetAttribute("value"));
        Assert.NotNull(page.QuerySelector("#email")!.GetAttribute("readonly"));

        var response = await SaveAsync(client, "  Robin Example  ");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("Robin Example", await StoredNameAsync(user));
        var after = await client.GetPageAsync("/account/profile?saved=true");
        Assert.Equal("Robin Example", after.QuerySelector("header .user-name")!.TextContent.Trim());
        Assert.Contains("saved", after.QuerySelector(".alert.ok")!.TextContent, StringComparison.Ordinal);
        var audit = await app.WithDbAsync((db, _) => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.ProfileUpdated && e.TargetId == user.Id.ToString()));
        Assert.Contains("Robin Example", audit.Details, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Enter your name.")]
    [InlineData("    ", "Enter your name.")]
    public async Task An_empty_name_is_refused_and_nothing_changes(string name, string message)
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Viewer);

        var response = await SaveAsync(client, name);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Equal(message, page.QuerySelector("[data-valmsg-for='Form.DisplayName']")!.TextContent.Trim());
        Assert.Equal(user.DisplayName, await StoredNameAsync(user));
    }

    [Fact]
    public async Task A_name_over_100_characters_is_refused()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Viewer);

        var page = await PorticoClient.ParseAsync(await SaveAsync(client, new string('a', 101)));

        Assert.Equal("Names are at most 100 characters.", page.QuerySelector("[data-valmsg-for='Form.DisplayName']")!.TextContent.Trim());
        Assert.Equal(user.DisplayName, await StoredNameAsync(user));
    }

    [Fact]
    public async Task Staff_have_a_profile_too()
    {
        var staff = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        using var client = await app.SignInAsync(staff);

        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(client, "Agent Smith")).StatusCode);
        Assert.Equal("Agent Smith", await StoredNameAsync(staff));
    }

    [Fact]
    public async Task A_profile_change_without_the_antiforgery_token_is_refused()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Viewer);

        var response = await client.Http.PostAsync(new Uri("/account/profile", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Form.DisplayName"] = "Forged" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(user.DisplayName, await StoredNameAsync(user));
    }

    [Fact]
    public async Task Signed_out_visitors_are_sent_to_sign_in()
    {
        using var client = app.Anonymous();
        var response = await client.Http.GetAsync(new Uri("/account/profile", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
