namespace Portico.Tests.Insights;

[Collection(AppCollection.Name)]
public sealed class StaffInsightsPageInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_insights_page_reads_in_German_for_an_agent_whose_browser_asks_for_it()
    {
        await app.AssertStaffReadsInGermanAsync(StaffRole.Agent, "/staff/insights",
            (InGerman.Headings, "Auswertungen", "Insights"),
            (InGerman.Headings, "Entlastung", "Deflection"),
            (InGerman.Buttons, "Anzeigen", "Show"),
            (InGerman.TableHeaders, "Aktive Konten", "Active accounts"),
            ("main p.definition", "Der Durchschnitt der Bewertungen von 1 bis 5, die anfragende Personen im Zeitraum gelösten Anfragen gegeben haben.",
                "The average of the 1 to 5 ratings requesters gave resolved requests in the range."));
    }

    [Fact]
    public async Task An_account_page_shows_its_figures_in_German()
    {
        var account = await app.CreateAccountAsync();

        await app.AssertStaffReadsInGermanAsync(StaffRole.Admin, $"/staff/accounts/{account.Id}",
            ("[data-testid=account-insights] h2", "Kennzahlen der letzten 90 Tage", "Figures, last 90 days"),
            ("[data-testid=account-insights] dt", "Aktive Personen", "People active"));
    }

    [Fact]
    public async Task A_range_that_is_not_a_date_is_refused_in_German()
    {
        using var agent = (await app.SignInStaffAsync(StaffRole.Agent)).AskingForGerman();

        var response = await agent.Http.GetAsync(new Uri("/staff/insights?From=yesterday", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("„Von“ muss ein Datum sein, etwa 2026-01-31.", (await PorticoClient.ParseAsync(response)).GetElementById("from-error")?.TextContent.Trim());
    }
}
