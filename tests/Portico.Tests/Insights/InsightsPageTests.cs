namespace Portico.Tests.Insights;

public sealed class InsightsPageTests(PorticoApp app) : AppTests
{
    private async Task<PorticoClient> StaffAsync(StaffRole role = StaffRole.Agent) => await app.SignInAsync(await app.CreateUserAsync(staffRole: role));

    private static string Value(IHtmlDocument page, string metric) =>
        page.QuerySelector($"[data-testid=metric-{metric}] [data-testid=value]")?.TextContent.Trim() ?? "";

    [Fact]
    public async Task Staff_admins_and_agents_see_the_five_metrics_with_their_definitions_and_finance_and_customers_are_refused()
    {
        foreach (var role in new[] { StaffRole.Admin, StaffRole.Agent })
        {
            using var staff = await StaffAsync(role);
            var page = await staff.GetPageAsync("/staff/insights");
            foreach (var metric in new[] { "self-serve", "deflection", "response", "engagement", "quality", "satisfaction" })
            {
                Assert.NotNull(page.QuerySelector($"[data-testid=metric-{metric}] .definition"));
            }
            Assert.NotNull(page.QuerySelector("table[data-testid=trend]"));
            Assert.NotNull(page.QuerySelector("table[data-testid=engagement]"));
        }
        using var finance = await StaffAsync(StaffRole.Finance);
        Assert.Equal(HttpStatusCode.Forbidden, (await finance.Http.GetAsync(new Uri("/staff/insights", UriKind.Relative))).StatusCode);
        var (_, customer, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(new Uri("/staff/insights", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("From=2026-03-01&To=2026-02-01", "To", ReadInsights.ReversedRange)]
    [InlineData("From=2023-01-01&To=2026-01-01", "From", "Choose a range of at most two years (731 days).")]
    [InlineData("Account=6b1f7d2e-0000-4000-8000-000000000001", "Account", ReadInsights.UnknownAccount)]
    [InlineData("Type=6b1f7d2e-0000-4000-8000-000000000001", "Type", ReadInsights.UnknownType)]
    [InlineData("Account=not-an-id", "Account", ReadInsights.UnknownAccount)]
    [InlineData("From=yesterday", "From", "From must be a date such as 2026-01-31.")]
    [InlineData("Period=Fortnight", "Period", "Group by Week or Month.")]
    public async Task A_filter_that_cannot_be_read_is_refused_with_a_message_and_no_figures(string query, string field, string message)
    {
        using var staff = await StaffAsync();

        var response = await staff.Http.GetAsync(new Uri("/staff/insights?" + query, UriKind.Relative));

        Assert.Equal(message, await PorticoClient.FieldErrorAsync(response, HttpStatusCode.BadRequest, field));
        var csv = await staff.Http.GetAsync(new Uri("/staff/insights?handler=Csv&table=summary&" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        Assert.Contains(message, await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_table_downloads_as_csv_with_the_chosen_filters()
    {
        var account = await app.CreateAccountAsync("=Formula " + PorticoApp.Unique());
        await app.WithDbAsync(async db =>
        {
            db.KeyEvents.Add(new KeyEvent(KeyEventKind.InvoiceViewed, account.Id, Guid.NewGuid(), Channel.Portal, DateTime.UtcNow));
            await db.SaveChangesAsync();
        });
        using var staff = await StaffAsync(StaffRole.Admin);
        var page = await staff.GetPageAsync($"/staff/insights?Account={account.Id}");
        var links = page.QuerySelectorAll("a[href*='handler=Csv']").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Equal(InsightCsv.Tables.Order(), links.Select(l => l.Split("table=")[1].Split('&')[0]).Order());

        foreach (var link in links)
        {
            var response = await staff.Http.GetAsync(new Uri(link, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        }
        var accounts = await staff.Http.GetStringAsync(new Uri(links.Single(l => l.Contains("table=accounts", StringComparison.Ordinal)), UriKind.Relative));
        var lines = accounts.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        // The chosen account alone, its name kept from being read as a formula; one task, done in the portal.
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{account.Id},'{account.Name},1,0,0,100%", lines[1], StringComparison.Ordinal);
        var unknown = await staff.Http.GetAsync(new Uri("/staff/insights?handler=Csv&table=everything", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }
}
