namespace Portico.Tests.Staff;

[Collection(AppCollection.Name)]
public sealed class StaffHomePagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_console_home_search_and_team_read_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertAdminReadsInGermanAsync("/staff",
            (InGerman.Headings, "Mitarbeiterkonsole", "Staff console"),
            (InGerman.Headings, "Offene Anfragen", "Open requests"));
        await app.AssertAdminReadsInGermanAsync("/staff/search?q=Nobody" + PorticoApp.Unique(),
            (InGerman.Headings, "Suchen", "Search"),
            ("main label", "Finden", "Find"));
        await app.AssertAdminReadsInGermanAsync("/staff/team",
            (InGerman.Headings, "Mitglied des Teams hinzufügen", "Add a staff member"),
            (InGerman.TableHeaders, "Letzte Anmeldung", "Last sign-in"),
            (InGerman.Buttons, "Hinzufügen und Link per E-Mail senden", "Add and email the link"));
    }

    [Fact]
    public async Task Changing_ones_own_role_and_a_too_short_search_are_refused_in_German()
    {
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = (await app.SignInAsync(admin)).AskingForGerman();

        var own = await client.SubmitAsync("/staff/team", new Dictionary<string, string> { ["userId"] = admin.Id.ToString(), ["role"] = "Agent" }, "Role");
        Assert.Equal("Sie können Ihre eigene Rolle im Team nicht ändern; bitten Sie einen anderen Admin.",
            (await PorticoClient.ParseAsync(own)).QuerySelector("main [role=alert]")?.TextContent.Trim());

        var search = await client.Http.GetAsync(new Uri("/staff/search?q=x", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, search.StatusCode);
        Assert.Equal("Geben Sie mindestens 2 Zeichen ein, um zu suchen.", (await PorticoClient.ParseAsync(search)).QuerySelector("[data-testid=search-error]")?.TextContent.Trim());
    }

    [Fact]
    public async Task A_setup_link_that_is_not_valid_says_so_in_German()
    {
        using var anonymous = app.Anonymous().AskingForGerman();

        var response = await anonymous.Http.GetAsync(new Uri("/setup/not-a-real-token", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Equal("Dieser Einrichtungslink ist ungültig. Prüfen Sie, ob Sie ihn vollständig kopiert haben.", page.QuerySelector("[data-testid=setup-problem]")?.TextContent.Trim());
        Assert.Equal("Einrichten", page.QuerySelector("main h1")?.TextContent.Trim());
    }
}
