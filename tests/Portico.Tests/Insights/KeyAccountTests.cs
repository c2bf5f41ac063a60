namespace Portico.Tests.Insights;

public sealed class KeyAccountTests(PorticoApp app) : AppTests
{
    private Task<bool> IsKeyAsync(Guid accountId) => app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == accountId).Select(a => a.IsKey).SingleAsync());

    [Fact]
    public async Task A_staff_admin_marks_and_unmarks_a_key_account_on_its_page_and_each_change_is_audited()
    {
        var account = await app.CreateAccountAsync();
        using var admin = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));

        var page = await admin.GetPageAsync($"/staff/accounts/{account.Id}");
        Assert.Equal("Not a key account.", page.QuerySelector("[data-testid=account-key-status]")!.TextContent.Trim());
        var marked = await admin.PostFormAsync($"/staff/accounts/{account.Id}?handler=Key", page, new Dictionary<string, string> { ["key"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, marked.StatusCode);
        Assert.True(await IsKeyAsync(account.Id));
        page = await admin.GetPageAsync($"/staff/accounts/{account.Id}");
        Assert.StartsWith("This is a key account", page.QuerySelector("[data-testid=account-key-status]")!.TextContent.Trim(), StringComparison.Ordinal);
        await admin.PostFormAsync($"/staff/accounts/{account.Id}?handler=Key", page, new Dictionary<string, string> { ["key"] = "false" });

        Assert.False(await IsKeyAsync(account.Id));
        Assert.Equal(2, await app.AuditCountAsync(AuditActions.AccountKeyChanged, account.Id.ToString()));
    }

    [Fact]
    public async Task Agents_and_finance_cannot_mark_a_key_account()
    {
        var account = await app.CreateAccountAsync();
        foreach (var role in new[] { StaffRole.Agent, StaffRole.Finance })
        {
            using var staff = await app.SignInAsync(await app.CreateUserAsync(staffRole: role));
            var page = await staff.GetPageAsync($"/staff/accounts/{account.Id}");
            Assert.Null(page.QuerySelector("form[action*='handler=Key']"));

            var response = await staff.PostFormAsync($"/staff/accounts/{account.Id}?handler=Key", page, new Dictionary<string, string> { ["key"] = "true" });

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        Assert.False(await IsKeyAsync(account.Id));
        Assert.Equal(0, await app.AuditCountAsync(AuditActions.AccountKeyChanged, account.Id.ToString()));
    }

    [Fact]
    public async Task Engagement_shows_the_key_accounts_active_beside_all_and_the_table_can_be_narrowed_to_them()
    {
        var (activeKey, quietKey, other) = (await app.CreateAccountAsync(), await app.CreateAccountAsync(), await app.CreateAccountAsync());
        await app.WithDbAsync(async db =>
        {
            foreach (var a in await db.Accounts.Where(a => a.Id == activeKey.Id || a.Id == quietKey.Id).ToListAsync())
            {
                a.MarkKey(true);
            }
            db.KeyEvents.AddRange(new KeyEvent(KeyEventKind.SignIn, activeKey.Id, Guid.NewGuid(), Channel.Portal, new DateTime(2013, 5, 6, 9, 0, 0, DateTimeKind.Utc)),
                new KeyEvent(KeyEventKind.SignIn, other.Id, Guid.NewGuid(), Channel.Portal, new DateTime(2013, 5, 14, 9, 0, 0, DateTimeKind.Utc)),
                // Staff working for the quiet key account do not make it active.
                new KeyEvent(KeyEventKind.InvoiceViewed, quietKey.Id, Guid.NewGuid(), Channel.StaffOnBehalf, new DateTime(2013, 5, 7, 9, 0, 0, DateTimeKind.Utc)));
            await db.SaveChangesAsync();
        });

        var (report, keyOnly) = await app.WithDbAsync(async (_, services) =>
        {
            var insights = services.GetRequiredService<ReadInsights>();
            var filter = new InsightFilter(new DateOnly(2013, 5, 6), new DateOnly(2013, 5, 19), InsightPeriod.Week, null, null);
            return (await insights.RunAsync(filter, CancellationToken.None), await insights.RunAsync(filter with { KeyOnly = true }, CancellationToken.None));
        });

        // Two accounts active (the key one in the first week, the other in the second), one of them key; the quiet key account is not.
        Assert.Equal((2L, 1L), (report.Current.ActiveAccounts, report.Current.ActiveKeyAccounts));
        Assert.Equal([1L, 0L], report.Trend.Select(t => t.Counts.ActiveKeyAccounts));
        Assert.True(report.KeyAccounts >= 2);
        Assert.Contains(report.Engagement, e => e.AccountId == other.Id);
        Assert.All(keyOnly.Engagement, e => Assert.True(e.IsKey));
        Assert.Equal(new[] { activeKey.Id, quietKey.Id }.Order(), keyOnly.Engagement.Select(e => e.AccountId).Where(id => id == activeKey.Id || id == quietKey.Id).Order());
        Assert.DoesNotContain(keyOnly.Engagement, e => e.AccountId == other.Id);

        using var staff = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));
        var page = await staff.GetPageAsync("/staff/insights?From=2013-05-06&To=2013-05-19&Key=true");
        Assert.Equal("1", page.QuerySelector("[data-testid=metric-engagement] [data-testid=key-active]")!.TextContent.Trim());
        Assert.DoesNotContain(page.QuerySelectorAll("table[data-testid=engagement] th[scope=row]"), th => th.TextContent.Contains(other.Name, StringComparison.Ordinal));
    }
}
