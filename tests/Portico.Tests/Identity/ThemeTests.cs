namespace Portico.Tests.Identity;

public sealed class ThemeTests(PorticoApp app) : AppTests
{
    private static Task<HttpResponseMessage> ChooseAsync(PorticoClient client, string theme) =>
        client.SubmitAsync("/account/profile", new Dictionary<string, string> { ["theme"] = theme }, "Theme");

    private Task<ThemeChoice> StoredAsync(PorticoUser user) =>
        app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.Theme).SingleAsync());

    [Fact]
    public async Task A_person_starts_with_the_devices_theme()
    {
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Viewer);

        var page = await client.GetPageAsync($"/a/{account.Id}");

        Assert.Equal("system", page.DocumentElement.GetAttribute("data-theme"));
        Assert.Equal(ThemeChoice.System, await StoredAsync(user));
        Assert.NotNull((await client.GetPageAsync("/account/profile")).QuerySelector("#theme-system[checked]"));
    }

    [Fact]
    public async Task A_chosen_theme_is_saved_and_set_on_every_page_from_the_server()
    {
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Viewer);

        Assert.Equal(HttpStatusCode.Redirect, (await ChooseAsync(client, "Dark")).StatusCode);

        Assert.Equal(ThemeChoice.Dark, await StoredAsync(user));
        Assert.Equal("dark", (await client.GetPageAsync($"/a/{account.Id}")).DocumentElement.GetAttribute("data-theme"));
        var profile = await client.GetPageAsync("/account/profile");
        Assert.Equal("dark", profile.DocumentElement.GetAttribute("data-theme"));
        Assert.NotNull(profile.QuerySelector("#theme-dark[checked]"));

        // A new sign-in keeps it: it comes from the person, not the browser.
        using var again = await app.SignInAsync(user);
        Assert.Equal("dark", (await again.GetPageAsync($"/a/{account.Id}")).DocumentElement.GetAttribute("data-theme"));

        await ChooseAsync(client, "Light");
        Assert.Equal("light", (await client.GetPageAsync($"/a/{account.Id}")).DocumentElement.GetAttribute("data-theme"));
        await ChooseAsync(client, "System");
        Assert.Equal("system", (await client.GetPageAsync($"/a/{account.Id}")).DocumentElement.GetAttribute("data-theme"));
    }

    [Theory]
    [InlineData("Purple")]
    [InlineData("7")]
    [InlineData("")]
    public async Task An_unknown_theme_is_refused_with_a_message_and_nothing_changes(string theme)
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Viewer);

        var response = await ChooseAsync(client, theme);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Equal("Choose System, Light or Dark.", page.QuerySelector("#theme-error")!.TextContent.Trim());
        Assert.Equal(ThemeChoice.System, await StoredAsync(user));
    }
}
