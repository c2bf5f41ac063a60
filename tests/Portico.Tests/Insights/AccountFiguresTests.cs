namespace Portico.Tests.Insights;

/// The figures panel on an account's staff page: the insights page's reading for that account over the last 90 days.
public sealed class AccountFiguresTests(PorticoApp app) : AppTests
{
    private static readonly string[] Figures =
    [
        "self-serve", "deflection", "avoided", "baseline", "forms-left", "first-response-p50", "first-response-p90", "first-response-sla",
        "resolution-p50", "resolution-p90", "resolution-sla", "active-7", "active-30", "active-90", "last-sign-in", "satisfaction", "ratings",
    ];

    private static string Value(IHtmlDocument page, string metric) =>
        page.QuerySelector($"[data-testid=metric-{metric}] [data-testid=value]")?.TextContent.Trim() ?? "";

    [Fact]
    public async Task An_accounts_staff_page_shows_its_figures_for_90_days_as_insights_filtered_to_it_shows_them_and_finance_does_not_see_them()
    {
        var now = DateTime.UtcNow;
        var today = DateOnly.FromDateTime(now);
        var account = new Account("Figures " + PorticoApp.Unique(), now.AddDays(-200));
        var (repetitive, other) = (await app.CreateRequestTypeAsync(), await app.CreateRequestTypeAsync());
        await app.WithDbAsync(async db =>
        {
            db.Accounts.Add(account);
            (await db.RequestTypes.SingleAsync(t => t.Id == repetitive.Id)).CountAsRepetitive(true);
            await db.SaveChangesAsync();
        });
        var (p1, p2, p3) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var number = 0;
        Request Filed(RequestType type, DateTime at, Channel channel) =>
            new(account.Id, ++number, type, "Question " + number, RequestPriority.Normal, p1, "Someone", false, [], at, channel);
        KeyEvent Event(KeyEventKind kind, Guid person, DateTime at, Channel channel = Channel.Portal) => new(kind, account.Id, person, channel, at);
        var history = new List<object>();
        // First portal sign-in 100 days ago, before the range; in the 12 weeks before it, twelve repetitive requests by
        // email: a baseline of 1 a week.
        for (var i = 0; i < 12; i++)
        {
            history.Add(Filed(repetitive, now.AddDays(-184 + i * 7), Channel.Email));
        }
        history.Add(Event(KeyEventKind.SignIn, p1, now.AddDays(-100)));
        // p3 last did something 100 days ago, outside the 90 days.
        history.Add(Event(KeyEventKind.OrderViewed, p3, now.AddDays(-100)));
        // In the 90 days: three tasks in the portal or the API (one a form left after an article), one by staff for the customer.
        history.AddRange([Event(KeyEventKind.SignIn, p1, now.AddDays(-3)), Event(KeyEventKind.InvoiceViewed, p1, now.AddDays(-3)),
            Event(KeyEventKind.DocumentDownloaded, p2, now.AddDays(-20), Channel.Api), Event(KeyEventKind.RequestFormDeflected, p1, now.AddDays(-5)),
            Event(KeyEventKind.InvoiceViewed, Guid.NewGuid(), now.AddDays(-10), Channel.StaffOnBehalf)]);
        // Three requests, two of them repetitive: answered in 45 minutes (in target) and resolved in 48 hours (in the 120 h
        // target); answered in 10 hours (past the 8 h target); not answered.
        var answered = Filed(repetitive, now.AddDays(-10), Channel.Portal);
        answered.RecordStaffResponse(now.AddDays(-10).AddMinutes(45));
        answered.MoveTo(RequestStatus.Resolved, now.AddDays(-8));
        var late = Filed(other, now.AddDays(-9), Channel.Phone);
        late.RecordStaffResponse(now.AddDays(-9).AddHours(10));
        history.AddRange([answered, late, Filed(repetitive, now.AddDays(-30), Channel.Email)]);
        await app.WithDbAsync(async db =>
        {
            db.AddRange(history);
            await db.SaveChangesAsync();
        });
        await app.WithDbAsync(async db =>
        {
            db.RequestRatings.Add(new RequestRating(await db.Requests.SingleAsync(r => r.Id == answered.Id), p1, 4, null, now.AddDays(-7)));
            await db.SaveChangesAsync();
        });

        using var admin = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));
        var panel = (await admin.GetPageAsync($"/staff/accounts/{account.Id}")).QuerySelector("[data-testid=account-insights]")
            ?? throw new InvalidOperationException("The account's page shows no figures to an Admin.");
        string Figure(string id) => panel.QuerySelector($"[data-testid={id}]")!.TextContent.Trim();
        // Self-serve: 3 of 3 + 1 by staff + 3 requests = 3/7, 43%. Deflection: 1 a week over the 90 days is 12.86 expected,
        // 2 repetitive filed: 10.86 avoided (11), plus 1 form left: 11.86 (12). First responses in ≤ 1 h and ≤ 1 day, one
        // in target; one resolution in ≤ 2 days, in target. People: p1 3 days ago, p2 20 days ago; p3 longer ago than 90.
        var lastSignIn = now.AddDays(-3).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
        string[] expected = ["43%", "12", "11", "1.0 a week", "1", "within 1 h", "within 1 day", "50%", "within 2 days", "within 2 days", "100%",
            "1", "2", "2", lastSignIn, "4.0", "1"];
        Assert.Equal(expected, Figures.Select(Figure));

        // The same figures on the insights page filtered to the account over the same days.
        var link = panel.QuerySelector("a[data-testid=account-insights-link]")!.GetAttribute("href")!;
        Assert.Equal($"/staff/insights?From={today.AddDays(-89):yyyy-MM-dd}&To={today:yyyy-MM-dd}&Account={account.Id}", link);
        var insights = await admin.GetPageAsync(link);
        Assert.Equal(["43%", "12", "11", "1", "within 1 h", "50%", "4.0"],
            [Value(insights, "self-serve"), Value(insights, "deflection"), insights.QuerySelector("[data-testid=avoided]")!.TextContent.Trim(),
                insights.QuerySelector("[data-testid=forms-left]")!.TextContent.Trim(), Value(insights, "response"),
                insights.QuerySelector("[data-testid=metric-response] [data-testid=sla]")!.TextContent.Trim(), Value(insights, "satisfaction")]);
        var engagement = insights.QuerySelectorAll("table[data-testid=engagement] tbody tr").Single().QuerySelectorAll("td").Select(td => td.TextContent.Trim());
        Assert.Equal(["1", "2", "2", lastSignIn], engagement.Skip(1));
        var baseline = insights.QuerySelectorAll("table[data-testid=by-account] tbody tr").Single().QuerySelectorAll("td")[3].TextContent.Trim();
        Assert.Equal("1.0 a week", baseline);

        using var agent = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));
        Assert.NotNull((await agent.GetPageAsync($"/staff/accounts/{account.Id}")).QuerySelector("[data-testid=account-insights]"));
        using var finance = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Finance));
        var financePage = await finance.GetPageAsync($"/staff/accounts/{account.Id}");
        Assert.Equal(account.Name, financePage.QuerySelector("h1")!.TextContent.Trim());
        Assert.Null(financePage.QuerySelector("[data-testid=account-insights]"));
        Assert.Null(financePage.QuerySelector("a[href^='/staff/insights']"));
    }
}
