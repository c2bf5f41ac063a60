namespace Portico.Tests.Integrations;

/// How fresh synced data is, as customers see it.
/// Which integration owns an object type is global, so every class here is in the app collection: they run one after another.
public sealed class SystemOfRecordFreshnessTests(PorticoApp app) : AppTests
{
    private const string Invoices = SyncedObjectTypes.Invoices;
    private const string Orders = SyncedObjectTypes.Orders;

    [Fact]
    public async Task A_late_system_of_record_shows_a_stale_warning_until_it_syncs_again()
    {
        var (integration, client) = await app.OwnerAsync(Invoices, Orders);
        using var _ = client;
        await app.WithDbAsync(async db =>
        {
            (await db.Integrations.SingleAsync(i => i.Id == integration.Id)).Succeeded(0, DateTime.UtcNow.AddHours(-3));
            await db.SaveChangesAsync();
        });
        var account = await app.WithDbAsync(async (db, _) =>
        {
            var a = new Account("Fresh " + PorticoApp.Unique(), DateTime.UtcNow, "CRM-" + PorticoApp.Unique());
            db.Accounts.Add(a);
            await db.SaveChangesAsync();
            return a;
        });
        var owner = await app.CreateMemberAsync(account, BuiltInRoles.Owner);
        using var browser = await app.SignInAsync(owner);

        foreach (var list in new[] { "invoices", "orders" })
        {
            var page = await browser.GetPageAsync($"/a/{account.Id}/{list}");
            var warning = page.QuerySelector("[data-testid=stale-warning]");
            Assert.NotNull(warning);
            Assert.Contains($"Updated 3 hours ago from {integration.Name}.", warning.TextContent, StringComparison.Ordinal);
            Assert.Contains("every 60 minutes", warning.TextContent, StringComparison.Ordinal);
            Assert.Null(page.QuerySelector("[data-testid=freshness]"));
        }

        AssertCounts(await OkAsync(await client.PutBatchAsync(Invoices, InvoiceJson(NewExternalId(), account.ExternalId!))), created: 1, updated: 0, unchanged: 0, failed: 0);

        foreach (var list in new[] { "invoices", "orders" })
        {
            var page = await browser.GetPageAsync($"/a/{account.Id}/{list}");
            Assert.Null(page.QuerySelector("[data-testid=stale-warning]"));
            Assert.Equal($"Updated just now from {integration.Name}.", page.QuerySelector("[data-testid=freshness]")?.TextContent.Trim());
        }
    }

    [Fact]
    public async Task A_recent_sync_shows_when_and_from_where_and_a_source_that_never_synced_warns()
    {
        var recent = await app.CreateIntegrationAsync(expectedSyncMinutes: 60);
        var never = await app.WithDbAsync(async (db, _) =>
        {
            var i = new Integration("Never synced " + PorticoApp.Unique(), 15, DateTime.UtcNow);
            db.Integrations.Add(i);
            await db.SaveChangesAsync();
            return i;
        });
        await app.WithDbAsync(async db =>
        {
            (await db.Integrations.SingleAsync(i => i.Id == recent.Id)).Succeeded(0, DateTime.UtcNow.AddMinutes(-5).AddSeconds(-10));
            await db.SaveChangesAsync();
        });
        await app.SetOwnerAsync(Invoices, recent.Id);
        await app.SetOwnerAsync(Orders, never.Id);
        var (account, user, browser) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);

        var invoices = await browser.GetPageAsync($"/a/{account.Id}/invoices");
        var orders = await browser.GetPageAsync($"/a/{account.Id}/orders");

        Assert.Null(invoices.QuerySelector("[data-testid=stale-warning]"));
        Assert.Equal($"Updated 5 minutes ago from {recent.Name}.", invoices.QuerySelector("[data-testid=freshness]")?.TextContent.Trim());
        Assert.Null(orders.QuerySelector("[data-testid=freshness]"));
        Assert.Contains($"Not synced from {never.Name} yet.", orders.QuerySelector("[data-testid=stale-warning]")?.TextContent, StringComparison.Ordinal);
    }
}
