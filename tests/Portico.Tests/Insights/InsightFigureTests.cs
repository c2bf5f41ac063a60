using Portico.Features.Integrations;

namespace Portico.Tests.Insights;

/// Each metric computed from a history built by hand, the expected numbers worked out beside it. Histories lie in
/// past years of their own (and accounts of their own), so the figures other tests add today do not touch them.
public sealed class InsightFigureTests(PorticoApp app) : AppTests
{
    private static DateTime At(int year, int month, int day, int hour = 9, int minute = 0) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    private Task<InsightReport> ReadAsync(InsightFilter filter) =>
        app.WithDbAsync((_, services) => services.GetRequiredService<ReadInsights>().RunAsync(filter, CancellationToken.None));

    private Task SaveAsync(params object[] entities) => app.WithDbAsync(async db =>
    {
        db.AddRange(entities);
        await db.SaveChangesAsync();
    });

    private static Request NewRequest(Account account, RequestType type, int number, DateTime at, Channel channel = Channel.Portal, PorticoUser? submitter = null) =>
        new(account.Id, number, type, "Question " + number, RequestPriority.Normal, submitter?.Id ?? Guid.NewGuid(), "Someone", false, [], at, channel);

    [Fact]
    public async Task Self_serve_completion_and_deflection_count_portal_tasks_against_staff_work_and_filed_requests()
    {
        var account = await app.CreateAccountAsync();
        var type = await app.CreateRequestTypeAsync();
        var person = Guid.NewGuid();
        KeyEvent Event(KeyEventKind kind, DateTime at, Channel channel = Channel.Portal) => new(kind, account.Id, person, channel, at);
        await SaveAsync(
            // In the range, 1 to 14 March 2021: five tasks done in the portal or the API, one a form left after an article answered...
            Event(KeyEventKind.InvoiceViewed, At(2021, 3, 1)), Event(KeyEventKind.InvoiceViewed, At(2021, 3, 2)), Event(KeyEventKind.InvoiceViewed, At(2021, 3, 9)),
            Event(KeyEventKind.DocumentDownloaded, At(2021, 3, 10), Channel.Api), Event(KeyEventKind.RequestFormDeflected, At(2021, 3, 14, 23, 59)),
            // ...one done by staff for the customer, and an article read, which is not a task...
            Event(KeyEventKind.InvoiceViewed, At(2021, 3, 3), Channel.StaffOnBehalf), Event(KeyEventKind.ArticleViewed, At(2021, 3, 3)),
            // ...and the day after the range, which counts nowhere.
            Event(KeyEventKind.InvoiceViewed, At(2021, 3, 15, 0, 1)), Event(KeyEventKind.RequestFormDeflected, At(2021, 3, 15)),
            // The 14 days before: one portal task and one portal request.
            Event(KeyEventKind.OrderViewed, At(2021, 2, 15)),
            // Three requests in the range, two filed in the portal and one taken by phone; one before it.
            NewRequest(account, type, 1, At(2021, 3, 4)), NewRequest(account, type, 2, At(2021, 3, 11)),
            NewRequest(account, type, 3, At(2021, 3, 12), Channel.Phone), NewRequest(account, type, 4, At(2021, 2, 28, 23, 59)));

        var report = await ReadAsync(new InsightFilter(new DateOnly(2021, 3, 1), new DateOnly(2021, 3, 14), InsightPeriod.Week, account.Id, null));

        // Self-serve: 5 portal tasks of 5 + 1 staff task + 3 requests = 5/9; deflection: 1 form left of 1 + 2 portal requests.
        Assert.Equal((5, 1, 3), (report.Current.SelfServeTasks, report.Current.AssistedTasks, report.Current.Requests));
        Assert.Equal(5.0 / 9, report.Current.SelfServeRate);
        Assert.Equal((1, 2), (report.Current.Deflections, report.Current.PortalRequests));
        Assert.Equal(1.0 / 3, report.Current.DeflectionRate);
        // Before: 1 task of 1 + 1 request = 1/2, nothing deflected of 1 portal request.
        Assert.Equal(0.5, report.Previous.SelfServeRate);
        Assert.Equal(0.0, report.Previous.DeflectionRate);
        // By week (1 March 2021 is a Monday): tasks on the 1st, 2nd and 3rd (staff) and a request on the 4th: 2/4;
        // the second week three portal tasks, two requests: 3/5, and the form left late on Sunday the 14th.
        Assert.Equal([(new DateOnly(2021, 3, 1), new DateOnly(2021, 3, 7)), (new DateOnly(2021, 3, 8), new DateOnly(2021, 3, 14))],
            report.Trend.Select(t => (t.From, t.To)));
        Assert.Equal([0.5, 3.0 / 5], report.Trend.Select(t => t.Counts.SelfServeRate));
        Assert.Equal([0L, 1L], report.Trend.Select(t => t.Counts.Deflections));
        var row = Assert.Single(report.ByAccount);
        Assert.Equal((account.Id, 5.0 / 9), (row.Id, row.Counts.SelfServeRate));
        var byType = Assert.Single(report.ByType);
        Assert.Equal((type.Id, 3L), (byType.Id, byType.Counts.Requests));
    }

    [Fact]
    public async Task Time_to_response_is_read_in_bands_net_of_waiting_on_the_customer_with_sla_attainment()
    {
        var account = await app.CreateAccountAsync();
        var type = await app.CreateRequestTypeAsync();
        var created = At(2020, 6, 2);
        // Normal priority: first response due in 8 hours, resolution in 120.
        var r1 = NewRequest(account, type, 1, created);
        var r2 = NewRequest(account, type, 2, created);
        r2.RecordStaffResponse(created.AddMinutes(45));        // band ≤ 60 min
        r2.MoveTo(RequestStatus.Resolved, created.AddDays(6)); // 144 h: band ≤ 7 days, past the 120 h target
        var r3 = NewRequest(account, type, 3, created);
        r3.RecordStaffResponse(created.AddHours(3));           // band ≤ 4 h
        var r4 = NewRequest(account, type, 4, created);
        r4.RecordStaffResponse(created.AddHours(10));          // band ≤ 1 day, past the 8 h target
        var r5 = NewRequest(account, type, 5, created);
        r5.MoveTo(RequestStatus.WaitingOnCustomer, created.AddMinutes(30));
        r5.MoveTo(RequestStatus.InProgress, created.AddHours(10).AddMinutes(30)); // 10 hours waiting on the customer
        r5.RecordStaffResponse(created.AddHours(11).AddMinutes(30)); // 1½ working hours: band ≤ 2 h, due 8 + 10 hours after submission
        await SaveAsync(r1, r2, r3, r4, r5);
        // The first request is answered in a later save, as staff do: 10 minutes, band ≤ 15 min; resolved in exactly 2 days.
        await app.WithDbAsync(async db =>
        {
            var request = await db.Requests.SingleAsync(r => r.Id == r1.Id);
            request.RecordStaffResponse(created.AddMinutes(10));
            await db.SaveChangesAsync();
            request.MoveTo(RequestStatus.Resolved, created.AddDays(2));
            await db.SaveChangesAsync();
        });

        var report = await ReadAsync(new InsightFilter(new DateOnly(2020, 6, 1), new DateOnly(2020, 6, 30), InsightPeriod.Month, account.Id, null));
        var c = report.Current;

        // Five first responses in bands ≤15m, ≤1h, ≤2h, ≤4h, ≤1d. p50: the 3rd of 5 (⌈2.5⌉) is in ≤ 2 h; p90: the 5th (⌈4.5⌉) in ≤ 1 day.
        Assert.Equal(5, c.FirstResponses);
        Assert.Equal("within 2 h", InsightFormat.Band(c.FirstResponseP50));
        Assert.Equal("within 1 day", InsightFormat.Band(c.FirstResponseP90));
        Assert.Equal(4.0 / 5, c.FirstResponseAttainment);
        // Two resolutions, 48 h (≤ 2 days, in target) and 144 h (≤ 7 days, late): p50 the 1st, p90 the 2nd (⌈1.8⌉).
        Assert.Equal(2, c.Resolutions);
        Assert.Equal("within 2 days", InsightFormat.Band(c.ResolutionP50));
        Assert.Equal("within 7 days", InsightFormat.Band(c.ResolutionP90));
        Assert.Equal(0.5, c.ResolutionAttainment);
        Assert.Equal(0.8, Assert.Single(report.ByType).Counts.FirstResponseAttainment);
        Assert.Equal([0.8], report.Trend.Select(t => t.Counts.FirstResponseAttainment));
    }

    [Fact]
    public async Task Engagement_counts_accounts_with_a_person_active_in_the_portal_but_not_staff_acting_for_them()
    {
        var (a, b, c) = (await app.CreateAccountAsync(), await app.CreateAccountAsync(), await app.CreateAccountAsync());
        await SaveAsync(
            new KeyEvent(KeyEventKind.SignIn, a.Id, Guid.NewGuid(), Channel.Portal, At(2019, 3, 3)),
            new KeyEvent(KeyEventKind.InvoiceViewed, a.Id, Guid.NewGuid(), Channel.Api, At(2019, 3, 10)),
            new KeyEvent(KeyEventKind.InvoiceViewed, b.Id, Guid.NewGuid(), Channel.StaffOnBehalf, At(2019, 3, 5)),
            new KeyEvent(KeyEventKind.OrderViewed, c.Id, Guid.NewGuid(), Channel.Portal, At(2019, 3, 12)),
            new KeyEvent(KeyEventKind.OrderViewed, c.Id, Guid.NewGuid(), Channel.Portal, At(2019, 2, 20)));

        var all = await ReadAsync(new InsightFilter(new DateOnly(2019, 3, 4), new DateOnly(2019, 3, 17), InsightPeriod.Week, null, null));
        var onlyB = await ReadAsync(new InsightFilter(new DateOnly(2019, 3, 4), new DateOnly(2019, 3, 17), InsightPeriod.Week, b.Id, null));

        // 4–10 March: a (on the 10th); 11–17 March: c. Together a and c; b only had staff working for it. The 14 days before
        // (18 February to 3 March): c on the 20th and a's sign-in on the 3rd.
        Assert.Equal([1L, 1L], all.Trend.Select(t => t.Counts.ActiveAccounts));
        Assert.Equal(2, all.Current.ActiveAccounts);
        Assert.Equal(2, all.Previous.ActiveAccounts);
        Assert.Equal((0L, 1L), (onlyB.Current.ActiveAccounts, onlyB.AllAccounts));
    }

    [Fact]
    public async Task The_engagement_table_counts_people_active_in_7_30_and_90_days_and_keeps_accounts_nobody_signed_in_to()
    {
        var (account, quiet) = (await app.CreateAccountAsync(), await app.CreateAccountAsync());
        var now = DateTime.UtcNow;
        var (p1, p2, p3) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await SaveAsync(
            new KeyEvent(KeyEventKind.SignIn, account.Id, p1, Channel.Portal, now.AddDays(-40)),
            new KeyEvent(KeyEventKind.InvoiceViewed, account.Id, p1, Channel.Portal, now.AddDays(-3)),
            new KeyEvent(KeyEventKind.SignIn, account.Id, p2, Channel.Portal, now.AddDays(-20)),
            new KeyEvent(KeyEventKind.InvoiceViewed, account.Id, p3, Channel.Api, now.AddDays(-60)),
            new KeyEvent(KeyEventKind.SignIn, quiet.Id, Guid.NewGuid(), Channel.StaffOnBehalf, now.AddDays(-1)));
        // Saved later but older: the last activity and sign-in do not move back.
        await SaveAsync(new KeyEvent(KeyEventKind.SignIn, account.Id, p2, Channel.Portal, now.AddDays(-80)));

        var row = Assert.Single((await ReadAsync(new InsightFilter(new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 1), InsightPeriod.Week, account.Id, null))).Engagement);
        var never = Assert.Single((await ReadAsync(new InsightFilter(new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 1), InsightPeriod.Week, quiet.Id, null))).Engagement);

        // p1 3 days ago, p2 20 days ago, p3 60 days ago: 1 in 7 days, 2 in 30, 3 in 90; the last sign-in is p2's, 20 days ago.
        Assert.Equal((3, 1, 2, 3), (row.People, row.Active7, row.Active30, row.Active90));
        Assert.Equal(now.AddDays(-20), row.LastSignInAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal((quiet.Id, 0, (DateTime?)null), (never.AccountId, never.People, never.LastSignInAt));
    }

    [Fact]
    public async Task Satisfaction_is_averaged_by_request_type_assignee_and_account()
    {
        var account = await app.CreateAccountAsync();
        var (t1, t2) = (await app.CreateRequestTypeAsync(), await app.CreateRequestTypeAsync());
        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        var at = At(2018, 5, 10);
        var requests = new[] { NewRequest(account, t1, 1, at), NewRequest(account, t1, 2, at), NewRequest(account, t2, 3, at) };
        requests[0].AssignTo(agent.Id, agent.DisplayName, at);
        requests[1].AssignTo(agent.Id, agent.DisplayName, at);
        foreach (var r in requests)
        {
            r.MoveTo(RequestStatus.Resolved, at.AddHours(1));
        }
        await SaveAsync(requests);
        await app.WithDbAsync(async db =>
        {
            var tracked = await db.Requests.Where(r => r.AccountId == account.Id).OrderBy(r => r.Number).ToListAsync();
            db.RequestRatings.AddRange(new RequestRating(tracked[0], Guid.NewGuid(), 5, null, at.AddHours(2)),
                new RequestRating(tracked[1], Guid.NewGuid(), 3, null, at.AddHours(2)), new RequestRating(tracked[2], Guid.NewGuid(), 2, "Slow", at.AddHours(2)));
            await db.SaveChangesAsync();
        });

        var report = await ReadAsync(new InsightFilter(new DateOnly(2018, 5, 1), new DateOnly(2018, 5, 31), InsightPeriod.Month, account.Id, null));

        // (5 + 3 + 2) / 3 overall; type 1 and the agent (5 + 3) / 2 = 4; type 2 and nobody assigned 2.
        Assert.Equal((3L, 10.0 / 3), (report.Current.Ratings, report.Current.AverageRating!.Value));
        Assert.Equal(10.0 / 3, Assert.Single(report.ByAccount).Counts.AverageRating);
        Assert.Equal([(t1.Id, 2L, 4.0), (t2.Id, 1L, 2.0)],
            report.ByType.OrderBy(t => t.Id == t2.Id).Select(t => (t.Id, t.Counts.Ratings, t.Counts.AverageRating!.Value)));
        Assert.Equal([(agent.Id, 4.0), (Guid.Empty, 2.0)], report.ByAssignee.Select(a => (a.Id, a.Counts.AverageRating!.Value)));
        var onlyT2 = await ReadAsync(new InsightFilter(new DateOnly(2018, 5, 1), new DateOnly(2018, 5, 31), InsightPeriod.Month, account.Id, t2.Id));
        Assert.Equal(2.0, onlyT2.Current.AverageRating);
    }

    [Fact]
    public async Task Data_quality_counts_incidents_opened_again_and_resolved_per_integration_with_the_time_to_resolve()
    {
        var integration = await app.CreateIntegrationAsync();
        var first = new DataQualityIncident(integration.Id, "invoice", "INV-1", "Unknown account", At(2017, 4, 3, 10));
        var second = new DataQualityIncident(integration.Id, "invoice", "INV-2", "Unknown account", At(2017, 4, 3, 11));
        await SaveAsync(first, second);
        await app.WithDbAsync(async db =>
        {
            var incidents = await db.DataQualityIncidents.Where(i => i.IntegrationId == integration.Id).OrderBy(i => i.ExternalId).ToListAsync();
            incidents[0].Resolve(At(2017, 4, 3, 11, 30));   // 90 minutes
            incidents[1].Resolve(At(2017, 4, 3, 11, 30));   // 30 minutes
            await db.SaveChangesAsync();
            incidents[1].SeenAgain("Unknown account", At(2017, 4, 5));
            await db.SaveChangesAsync();
        });

        var report = await ReadAsync(new InsightFilter(new DateOnly(2017, 4, 1), new DateOnly(2017, 4, 30), InsightPeriod.Month, null, null));

        // Opened: two, and the second again on the 5th; resolved: two, (90 + 30) / 2 = 60 minutes on average.
        var row = Assert.Single(report.ByIntegration, i => i.Id == integration.Id);
        Assert.Equal((3L, 2L, 60.0), (row.Counts.IncidentsOpened, row.Counts.IncidentsResolved, row.Counts.AverageMinutesToResolve!.Value));
    }

    [Fact]
    public async Task Deflection_sets_each_active_accounts_repetitive_requests_against_its_own_rate_before_the_portal_plus_forms_left()
    {
        // A was in the portal from January 2014, B only from May: B has less than the 12 weeks before its first sign-in.
        var (a, b) = (new Account("Baseline A " + PorticoApp.Unique(), At(2014, 1, 1)), new Account("Baseline B " + PorticoApp.Unique(), At(2014, 5, 1)));
        await SaveAsync(a, b);
        var (repetitive, other) = (await app.CreateRequestTypeAsync(), await app.CreateRequestTypeAsync());
        await app.WithDbAsync(async db =>
        {
            (await db.RequestTypes.SingleAsync(t => t.Id == repetitive.Id)).CountAsRepetitive(true);
            await db.SaveChangesAsync();
        });
        var number = 0;
        Request Filed(Account account, RequestType type, DateTime at, Channel channel) => NewRequest(account, type, ++number, at, channel);
        KeyEvent Event(Account account, KeyEventKind kind, DateTime at, Channel channel = Channel.Portal) => new(kind, account.Id, Guid.NewGuid(), channel, at);
        var history = new List<object>();
        // A's first portal sign-in is Monday 2 June 2014; its window is the 84 days from 10 March to 1 June. In it: twelve
        // repetitive requests, six logged from emails and six from calls, the first on the window's first day; outside it
        // one the day before, and requests of another type, which count nowhere. 12 in 12 weeks: 1 a week.
        for (var i = 0; i < 12; i++)
        {
            history.Add(Filed(a, repetitive, At(2014, 3, 10).AddDays(i * 7), i % 2 == 0 ? Channel.Email : Channel.Phone));
        }
        history.AddRange([Filed(a, repetitive, At(2014, 3, 9), Channel.Email), Filed(a, other, At(2014, 4, 1), Channel.Email), Filed(a, other, At(2014, 6, 10), Channel.Portal)]);
        // Staff acting for A before that do not begin its use of the portal.
        history.Add(Event(a, KeyEventKind.SignIn, At(2014, 5, 20), Channel.StaffOnBehalf));
        // The range, 2 to 29 June: A active in the first three weeks and filing two repetitive requests in the second and one
        // by phone in the fourth, when it was not active; two forms left after an article in the first week.
        history.AddRange([Event(a, KeyEventKind.SignIn, At(2014, 6, 2)), Event(a, KeyEventKind.SignIn, At(2014, 6, 10)), Event(a, KeyEventKind.SignIn, At(2014, 6, 17)),
            Event(a, KeyEventKind.RequestFormDeflected, At(2014, 6, 3)), Event(a, KeyEventKind.RequestFormDeflected, At(2014, 6, 4)),
            Filed(a, repetitive, At(2014, 6, 11), Channel.Portal), Filed(a, repetitive, At(2014, 6, 12), Channel.Email), Filed(a, repetitive, At(2014, 6, 24), Channel.Phone)]);
        // B signs in on 3 June and leaves one form; its repetitive requests have nothing to be set against.
        history.AddRange([Event(b, KeyEventKind.SignIn, At(2014, 6, 3)), Event(b, KeyEventKind.RequestFormDeflected, At(2014, 6, 5)),
            Filed(b, repetitive, At(2014, 5, 5), Channel.Email), Filed(b, repetitive, At(2014, 6, 6), Channel.Email)]);
        await SaveAsync([.. history]);

        var report = await ReadAsync(new InsightFilter(new DateOnly(2014, 6, 2), new DateOnly(2014, 6, 29), InsightPeriod.Week, null, null));
        var c = report.Current;

        // A: 1 a week over its 28 days in the portal is 4 expected, 3 filed: 1 avoided. B has no baseline. Plus 3 forms: 4.
        Assert.Equal((1L, 1L), (c.AccountsWithBaseline, c.AccountsWithoutBaseline));
        Assert.Equal((4.0, 3L, 1.0, 3L), (c.ExpectedRepetitive, c.RepetitiveRequests, c.AvoidedRequests, c.Deflections));
        Assert.Equal(4.0, c.TotalDeflection);
        Assert.Equal(new DeflectionBaseline(new DateOnly(2014, 6, 2), 12), report.Baselines.Of(a.Id));
        Assert.Equal(1.0, report.Baselines.Of(a.Id)!.WeeklyRate);
        Assert.Null(report.Baselines.Of(b.Id));
        // By week, each set against 1 expected while A is active: week 1 none filed, 1 avoided, and the 3 forms; week 2 two
        // filed, floored at 0; week 3 1; week 4 A was not active, so nothing is set against it.
        Assert.Equal([4.0, 0.0, 1.0, 0.0], report.Trend.Select(t => t.Counts.TotalDeflection));
        Assert.Equal([2L, 1L, 1L, 0L], report.Trend.Select(t => t.Counts.AccountsWithBaseline + t.Counts.AccountsWithoutBaseline));
        // The 28 days before: nobody active in the portal, so nothing deflected.
        Assert.Equal((0.0, 0L), (report.Previous.TotalDeflection, report.Previous.AccountsWithBaseline));
        Assert.Equal([(a.Id, 3.0), (b.Id, 1.0)], report.ByAccount.OrderBy(r => r.Id == b.Id).Select(r => (r.Id, r.Counts.TotalDeflection)));
        var onlyB = await ReadAsync(new InsightFilter(new DateOnly(2014, 6, 2), new DateOnly(2014, 6, 29), InsightPeriod.Week, b.Id, null));
        Assert.Equal((0L, 1L, 1.0), (onlyB.Current.AccountsWithBaseline, onlyB.Current.AccountsWithoutBaseline, onlyB.Current.TotalDeflection));
    }

    [Fact]
    public async Task Parallel_saves_of_the_same_day_and_account_add_every_count()
    {
        var account = await app.CreateAccountAsync();
        const int writers = 16;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(i =>
            SaveAsync(new KeyEvent(KeyEventKind.DocumentDownloaded, account.Id, Guid.NewGuid(), Channel.Portal, At(2016, 8, 1, 9, i)))));

        var report = await ReadAsync(new InsightFilter(new DateOnly(2016, 8, 1), new DateOnly(2016, 8, 1), InsightPeriod.Week, account.Id, null));
        Assert.Equal(writers, report.Current.SelfServeTasks);
        var people = await app.WithDbAsync((db, _) => db.PersonActivities.CountAsync(p => p.AccountId == account.Id));
        Assert.Equal(writers, people);
    }

    [Fact]
    public async Task Many_saves_at_once_across_accounts_and_days_of_one_month_fail_none_and_lose_no_count()
    {
        Account[] accounts = [await app.CreateAccountAsync(), await app.CreateAccountAsync(), await app.CreateAccountAsync()];
        const int writers = 32;

        // Each save counts in two accounts, in a different order from save to save, on days of September 2009: they meet
        // on the daily rows of the same account and day.
        await Task.WhenAll(Enumerable.Range(0, writers).Select(i => SaveAsync(
            new KeyEvent(KeyEventKind.DocumentDownloaded, accounts[i % 3].Id, Guid.NewGuid(), Channel.Portal, At(2009, 9, 1 + i % 7, 9, i)),
            new KeyEvent(KeyEventKind.InvoiceViewed, accounts[(i + 1) % 3].Id, Guid.NewGuid(), Channel.Api, At(2009, 9, 30 - i % 5, 10, i)))));

        var month = new InsightFilter(new DateOnly(2009, 9, 1), new DateOnly(2009, 9, 30), InsightPeriod.Month, null, null);
        var byMonth = await ReadAsync(month);
        var byDay = await ReadAsync(month with { Period = InsightPeriod.Week });
        Assert.Equal((2L * writers, 2L * writers), (byMonth.Current.SelfServeTasks, byDay.Current.SelfServeTasks));
        Assert.Equal(byDay.ByAccount.Select(a => (a.Id, a.Counts.SelfServeTasks)).Order(), byMonth.ByAccount.Select(a => (a.Id, a.Counts.SelfServeTasks)).Order());
        Assert.Equal(accounts.Select(a => a.Id).Order(), byMonth.ByAccount.Select(a => a.Id).Order());
    }
}
