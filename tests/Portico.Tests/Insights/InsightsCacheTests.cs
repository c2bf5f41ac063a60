namespace Portico.Tests.Insights;

/// The shared app with a clock the test moves, so a minute can pass between two readings of the page.
public sealed class InsightsClockApp : ClockApp;

/// The insights page's figures are kept a minute per choice of range and filters and read once at a time (ADR 0024).
public sealed class InsightsCacheTests : OwnAppTests<InsightsClockApp>
{
    private async Task<PorticoClient> StaffAsync() => await App.SignInAsync(await App.CreateUserAsync(staffRole: StaffRole.Agent));

    private static string Value(IHtmlDocument page, string metric) =>
        page.QuerySelector($"[data-testid=metric-{metric}] [data-testid=value]")?.TextContent.Trim() ?? "";

    private static string AsOf(IHtmlDocument page) => page.QuerySelector("[data-testid=figures-as-of]")?.TextContent ?? "";

    private Task SaveTaskAsync(Account account) => App.WithDbAsync(async db =>
    {
        db.KeyEvents.Add(new KeyEvent(KeyEventKind.InvoiceViewed, account.Id, Guid.NewGuid(), Channel.Portal, App.Clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync();
    });

    /// A new account with one task done in the portal, the cache and a filter for its last 30 days.
    private async Task<(Account Account, InsightFigureCache Cache, InsightFilter Filter)> OneTaskAsync()
    {
        var account = await App.CreateAccountAsync();
        await SaveTaskAsync(account);
        var today = DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime);
        return (account, App.Services.GetRequiredService<InsightFigureCache>(), new InsightFilter(today.AddDays(-30), today, InsightPeriod.Week, account.Id, null));
    }

    [Fact]
    public async Task The_page_shows_figures_as_of_when_they_were_read_and_reads_them_again_once_they_are_a_minute_old()
    {
        var account = await App.CreateAccountAsync();
        await SaveTaskAsync(account);
        using var staff = await StaffAsync();
        var url = $"/staff/insights?Account={account.Id}";
        var first = await staff.GetPageAsync(url);
        var readAt = App.Clock.GetUtcNow();
        Assert.Equal("100%", Value(first, "self-serve"));
        Assert.Contains($"Figures as of {readAt:HH:mm} UTC", AsOf(first), StringComparison.Ordinal);

        // A task done for the customer by staff: within the minute the page still shows the figures read before it...
        await App.WithDbAsync(async db =>
        {
            db.KeyEvents.Add(new KeyEvent(KeyEventKind.InvoiceViewed, account.Id, Guid.NewGuid(), Channel.StaffOnBehalf, App.Clock.GetUtcNow().UtcDateTime));
            await db.SaveChangesAsync();
        });
        App.Clock.Advance(InsightFigureCache.RefreshAfter - TimeSpan.FromSeconds(1));
        var cached = await staff.GetPageAsync(url);
        Assert.Equal(("100%", AsOf(first)), (Value(cached, "self-serve"), AsOf(cached)));

        // ...and a minute after they were read, it reads them again.
        App.Clock.Advance(TimeSpan.FromMinutes(2));
        var fresh = await staff.GetPageAsync(url);
        Assert.Equal("50%", Value(fresh, "self-serve"));
        Assert.Contains($"Figures as of {App.Clock.GetUtcNow():HH:mm} UTC", AsOf(fresh), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Figures_asked_for_after_half_a_minute_are_shown_at_once_while_newer_ones_are_read_in_the_background()
    {
        var (account, cache, filter) = await OneTaskAsync();
        var first = await cache.GetAsync(filter, CancellationToken.None);
        Assert.Equal(1, first.Report.Current.SelfServeTasks);
        await SaveTaskAsync(account);

        App.Clock.Advance(InsightFigureCache.RefreshAfter);
        // Not held up by the new reading: the figures in hand come back, and a reading starts behind them.
        Assert.Same(first.Report, (await cache.GetAsync(filter, CancellationToken.None)).Report);
        CachedInsights? newer = null;
        for (var i = 0; i < 200 && newer is null; i++)
        {
            await Task.Delay(50);
            var now = await cache.GetAsync(filter, CancellationToken.None);
            newer = ReferenceEquals(now.Report, first.Report) ? null : now;
        }
        Assert.NotNull(newer);
        Assert.Equal(2, newer.Report.Current.SelfServeTasks);
        Assert.Equal(App.Clock.GetUtcNow(), newer.AsOf);
    }

    [Fact]
    public async Task Filter_lists_asked_for_after_half_a_minute_are_shown_at_once_while_newer_ones_are_read_in_the_background()
    {
        var cache = App.Services.GetRequiredService<InsightFigureCache>();
        var first = await cache.GetChoicesAsync(CancellationToken.None);
        // Read for this test, so the lists in hand are its own however old another test's were.
        App.Clock.Advance(InsightFigureCache.MaxAge);
        first = await cache.GetChoicesAsync(CancellationToken.None);
        var type = await App.CreateRequestTypeAsync();

        App.Clock.Advance(InsightFigureCache.RefreshAfter);
        Assert.Same(first, await cache.GetChoicesAsync(CancellationToken.None));
        InsightChoices? newer = null;
        for (var i = 0; i < 200 && newer is null; i++)
        {
            await Task.Delay(50);
            var now = await cache.GetChoicesAsync(CancellationToken.None);
            newer = ReferenceEquals(now, first) ? null : now;
        }
        Assert.NotNull(newer);
        Assert.DoesNotContain(first.Types, t => t.Id == type.Id);
        Assert.Contains(newer.Types, t => t.Id == type.Id);
        Assert.Equal(App.Clock.GetUtcNow(), newer.ReadAt);
    }

    [Fact]
    public async Task While_the_background_reading_waits_for_idle_cores_the_figures_in_hand_serve_up_to_five_minutes_and_no_longer()
    {
        var (account, cache, filter) = await OneTaskAsync();
        var first = await cache.GetAsync(filter, CancellationToken.None);
        await SaveTaskAsync(account);
        // Cores busy with requests: the idle-priority thread gets to nothing until released.
        var busy = new TaskCompletionSource();
        var held = Task.Factory.StartNew(() => busy.Task.Wait(), CancellationToken.None, TaskCreationOptions.None,
            App.Services.GetRequiredService<IdleTimeScheduler>());
        try
        {
            App.Clock.Advance(InsightFigureCache.RefreshAfter);
            Assert.Same(first.Report, (await cache.GetAsync(filter, CancellationToken.None)).Report);

            // Past the minute, with the reading still waiting: the figures in hand, not a wait for the idle reading.
            App.Clock.Advance(InsightFigureCache.MaxAge);
            Assert.Same(first.Report, (await cache.GetAsync(filter, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Report);

            // Past five minutes: a reading of the request's own, at the normal priority.
            App.Clock.Advance(InsightFigureCache.MaxAgeWhileReading);
            var own = await cache.GetAsync(filter, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(2, own.Report.Current.SelfServeTasks);
        }
        finally
        {
            busy.SetResult();
            await held;
        }
    }

    [Fact]
    public async Task Staff_asking_for_the_same_figures_at_once_share_one_reading_and_other_filters_get_their_own()
    {
        var (_, cache, filter) = await OneTaskAsync();

        var readings = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => cache.GetAsync(filter, CancellationToken.None))));

        Assert.Single(readings.Select(r => r.Report).Distinct());
        var other = await cache.GetAsync(filter with { Period = InsightPeriod.Month }, CancellationToken.None);
        Assert.NotSame(readings[0].Report, other.Report);
        Assert.Same(readings[0].Report, (await cache.GetAsync(filter, CancellationToken.None)).Report);
    }

    [Fact]
    public async Task A_form_left_after_an_article_answered_raises_the_deflection_figure_by_one()
    {
        var word = HelpSteps.Word();
        await App.PublishArticleAsync($"Copy of an invoice {word}", "Open Invoices and download it.");
        var (_, type, account, user) = await App.CreateAgentTypeAndCustomerAsync();
        using var staff = await StaffAsync();
        var url = $"/staff/insights?Account={account.Id}";
        var before = Value(await staff.GetPageAsync(url), "deflection");

        using var client = await App.SignInAsync(user);
        var form = await client.GetPageAsync($"/a/{account.Id}/requests/new?type={type.Id}");
        var suggestions = await client.GetPageAsync(form.QuerySelector("#help-suggestions")!.GetAttribute("data-suggest") + "&q=" + Uri.EscapeDataString($"copy {word}"));
        var answered = suggestions.QuerySelector("[data-testid=help-suggestions] form")!.GetAttribute("action");
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync(answered!, form, new Dictionary<string, string>())).StatusCode);

        App.Clock.Advance(InsightFigureCache.MaxAge);
        var after = await staff.GetPageAsync(url);
        Assert.Equal(("0", "1"), (before, Value(after, "deflection")));
        Assert.Equal("1", Value(after, "engagement"));
    }
}
