using Portico.Features.Integrations;

namespace Portico.Tests.Insights;

/// Minutes stale per integration, from histories built by hand in past years of their own, the expected minutes worked out
/// beside them. An integration is stale by the health page's rule: its expected interval after its last successful sync.
public sealed class StaleFigureTests(PorticoApp app) : AppTests
{
    private static DateTime At(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    private sealed class FixedClock(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(now);
    }

    /// The figures as the insights page reads them, with its clock at now (today's when not given).
    private Task<InsightReport> ReadAsync(DateOnly from, DateOnly to, DateTime? now = null) => app.WithDbAsync((db, services) =>
        (now is { } at ? new ReadInsights(db, new FixedClock(at)) : services.GetRequiredService<ReadInsights>())
            .RunAsync(new InsightFilter(from, to, InsightPeriod.Week, null, null), CancellationToken.None));

    private static (long Minutes, long Periods) Stale(InsightReport report, Integration integration) =>
        report.ByIntegration.Where(i => i.Id == integration.Id).Select(i => (i.Counts.MinutesStale, i.Counts.StalePeriods)).SingleOrDefault();

    private async Task<Integration> AddIntegrationAsync(int expectedMinutes, DateTime createdAt, DateTime? syncedAt = null)
    {
        var integration = new Integration("Stale " + PorticoApp.Unique(), expectedMinutes, createdAt);
        if (syncedAt is { } at)
        {
            integration.Succeeded(0, at);
        }
        await app.WithDbAsync(async db =>
        {
            db.Integrations.Add(integration);
            await db.SaveChangesAsync();
        });
        return integration;
    }

    private Task SyncAsync(Integration integration, DateTime at) => app.WithDbAsync(async db =>
    {
        (await db.Integrations.SingleAsync(i => i.Id == integration.Id)).Succeeded(1, at);
        await db.SaveChangesAsync();
    });

    [Fact]
    public async Task Minutes_stale_are_split_at_midnight_and_cut_at_the_range_edge_and_a_period_counts_on_the_day_it_ended()
    {
        // Expected hourly; synced at midnight on 1 March 2015, so stale from 01:00.
        var integration = await AddIntegrationAsync(60, At(2015, 3, 1), At(2015, 3, 1));
        // The next sync at 02:30 on the 3rd: 23 h on the 1st (1380 min), 24 h on the 2nd (1440), 150 min on the 3rd.
        await SyncAsync(integration, At(2015, 3, 3, 2, 30));
        // Half an hour later, in time: no period. Then nothing until midnight on the 5th: stale from 04:00 on the 3rd,
        // 1200 min that day, 1440 on the 4th and none on the 5th, where the period ended.
        await SyncAsync(integration, At(2015, 3, 3, 3, 0));
        await SyncAsync(integration, At(2015, 3, 5));
        // It never synced again: stale from 01:00 on the 5th until now, 1380 min on the 5th, counted as a period today.

        var middle = await ReadAsync(new DateOnly(2015, 3, 2), new DateOnly(2015, 3, 4));
        // 2–4 March: 1440 + 150 + 1200 + 1440 = 4230 min; one period ended in it (on the 3rd), the other on the 5th.
        Assert.Equal((4230L, 1L), Stale(middle, integration));
        // The three days before (27 February to 1 March) hold the first 1380 minutes, and no period ended then.
        Assert.True(middle.Previous.MinutesStale >= 1380);
        var firstDay = await ReadAsync(new DateOnly(2015, 3, 1), new DateOnly(2015, 3, 1));
        Assert.Equal((1380L, 0L), Stale(firstDay, integration));
        // The 5th: the period that ended at midnight, with no minutes that day, and 23 h of the one still running.
        var fifth = await ReadAsync(new DateOnly(2015, 3, 5), new DateOnly(2015, 3, 5));
        Assert.Equal((1380L, 1L), Stale(fifth, integration));
        var month = await ReadAsync(new DateOnly(2015, 3, 1), new DateOnly(2015, 3, 31));
        Assert.Equal((1380 + 1440 + 150 + 1200 + 1440 + 1380 + 26 * 1440L, 2L), Stale(month, integration));
        // The weeks add up to the range, running periods included.
        Assert.Equal(month.Current.MinutesStale, month.Trend.Sum(t => t.Counts.MinutesStale));

        // The page and the CSV show both beside the incidents.
        using var staff = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));
        var page = await staff.GetPageAsync("/staff/insights?From=2015-03-02&To=2015-03-04");
        var row = page.QuerySelectorAll("table[data-testid=by-integration] tbody tr").Single(r => r.QuerySelector("th")!.TextContent == integration.Name);
        Assert.Equal(["0", "0", "–", "4,230", "1"], row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.NotNull(page.QuerySelector("[data-testid=metric-quality] .definition"));
        Assert.Contains("Minutes stale", page.QuerySelector("[data-testid=metric-quality] .definition")!.TextContent, StringComparison.Ordinal);
        var csv = (await staff.Http.GetStringAsync(new Uri("/staff/insights?handler=Csv&table=integrations&From=2015-03-02&To=2015-03-04", UriKind.Relative)))
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",minutes stale,stale periods", csv[0], StringComparison.Ordinal);
        Assert.EndsWith(",4230,1", csv.Single(l => l.StartsWith(integration.Id.ToString(), StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_still_stale_integration_shows_its_running_period_as_if_it_ended_now_and_the_sync_that_ends_it_records_the_same()
    {
        var now = At(2013, 6, 10, 12);
        // Expected every 2 hours, last synced at 20:00 on 8 June: stale from 22:00, 120 min that day, 1440 on the 9th, 720
        // on the 10th until noon.
        var late = await AddIntegrationAsync(120, At(2013, 6, 1), At(2013, 6, 8, 20));
        // Added at 06:00 on the 10th and never synced: late from then, as the health page shows it, 360 min.
        var never = await AddIntegrationAsync(120, At(2013, 6, 10, 6));
        // Synced at 11:00 on the 10th: in time, nothing stale.
        var fresh = await AddIntegrationAsync(120, At(2013, 6, 1), At(2013, 6, 10, 11));
        Assert.Equal((true, true, false), (late.IsStale(now), never.IsStale(now), fresh.IsStale(now)));

        var running = await ReadAsync(new DateOnly(2013, 6, 9), new DateOnly(2013, 6, 10), now);
        Assert.Equal((1440 + 720L, 1L), Stale(running, late));
        Assert.Equal((360L, 1L), Stale(running, never));
        Assert.Equal((0L, 0L), Stale(running, fresh));
        // The two days before hold the first 120 minutes; a range ending before today has the minutes but not the period.
        Assert.True(running.Previous.MinutesStale >= 120);
        Assert.Equal((120 + 1440L, 0L), Stale(await ReadAsync(new DateOnly(2013, 6, 1), new DateOnly(2013, 6, 9), now), late));

        // The sync at noon ends both periods; what it records is what was shown while they ran.
        await SyncAsync(late, now);
        await SyncAsync(never, now);
        var ended = await ReadAsync(new DateOnly(2013, 6, 9), new DateOnly(2013, 6, 10), now);
        Assert.Equal((1440 + 720L, 1L), Stale(ended, late));
        Assert.Equal((360L, 1L), Stale(ended, never));
    }

    [Fact]
    public async Task Parallel_syncs_ending_the_same_stale_period_count_it_once()
    {
        // Expected hourly, synced at midnight: stale from 01:00 to the syncs at 05:00, 240 min.
        var integration = await AddIntegrationAsync(60, At(2012, 1, 2), At(2012, 1, 2));
        const int writers = 8;

        // Every writer reads the integration, still stale, before any of them saves.
        var read = 0;
        var allRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => app.WithDbAsync(async db =>
        {
            var tracked = await db.Integrations.SingleAsync(i => i.Id == integration.Id);
            if (Interlocked.Increment(ref read) == writers)
            {
                allRead.SetResult();
            }
            await allRead.Task;
            tracked.Succeeded(1, At(2012, 1, 2, 5));
            await db.SaveChangesAsync();
        })));

        var report = await ReadAsync(new DateOnly(2012, 1, 2), new DateOnly(2012, 1, 2), At(2012, 1, 2, 5));
        Assert.Equal((240L, 1L), Stale(report, integration));
    }
}
