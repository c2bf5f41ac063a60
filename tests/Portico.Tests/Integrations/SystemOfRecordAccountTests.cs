namespace Portico.Tests.Integrations;

/// Accounts synced by their external id, and records for an account the portal does not know.
/// Which integration owns an object type is global, so every class here is in the app collection: they run one after another.
public sealed class SystemOfRecordAccountTests(PorticoApp app) : AppTests
{
    private const string Invoices = SyncedObjectTypes.Invoices;
    private const string Accounts = SyncedObjectTypes.Accounts;

    [Fact]
    public async Task An_unmapped_account_raises_one_incident_that_counts_replays_and_nothing_is_guessed()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var unknownAccount = "CRM-UNKNOWN-" + PorticoApp.Unique();
        var orphan = InvoiceJson(NewExternalId("ORPHAN"), unknownAccount);
        var orphanId = (string)orphan["externalId"]!;
        var mapped = InvoiceJson(NewExternalId("OK"), account.ExternalId!);

        var first = await OkAsync(await client.PutBatchAsync(Invoices, orphan, mapped));

        AssertCounts(first, created: 1, updated: 0, unchanged: 0, failed: 1);
        Assert.Contains(unknownAccount, first.Errors(0)["externalAccountId"], StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AnyAsync(i => i.ExternalId == orphanId)));
        var incident = Assert.Single(await app.WithDbAsync((db, _) => db.DataQualityIncidents.AsNoTracking().Where(i => i.IntegrationId == integration.Id).ToListAsync()));
        Assert.Equal((Invoices, orphanId, 1, (DateTime?)null), (incident.ObjectType, incident.ExternalId, incident.Occurrences, incident.ResolvedAt));
        Assert.Contains(unknownAccount, incident.Problem, StringComparison.Ordinal);

        var replay = await OkAsync(await client.PutBatchAsync(Invoices, orphan, mapped));

        AssertCounts(replay, created: 0, updated: 0, unchanged: 1, failed: 1);
        incident = Assert.Single(await app.WithDbAsync((db, _) => db.DataQualityIncidents.AsNoTracking().Where(i => i.IntegrationId == integration.Id).ToListAsync()));
        Assert.Equal(2, incident.Occurrences);
        Assert.False(await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AnyAsync(i => i.ExternalId == orphanId)));
        Assert.Equal(1, (await (await client.GetAsync(new Uri(StatusPath, UriKind.Relative))).JsonAsync()).GetProperty("openIncidents").GetInt32());

        // Staff see it on the integrations page, with how often it was seen.
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using (var browser = await app.SignInAsync(admin))
        {
            var page = await browser.GetPageAsync("/staff/integrations");
            var row = Assert.Single(page.QuerySelectorAll("[data-testid=incident]"), r => r.TextContent.Contains(orphanId, StringComparison.Ordinal));
            Assert.Contains(unknownAccount, row.TextContent, StringComparison.Ordinal);
            Assert.Contains("2×", row.TextContent, StringComparison.Ordinal);
            var card = Assert.Single(page.QuerySelectorAll("[data-testid=integration]"), c => c.QuerySelector("h3")!.TextContent.Contains(integration.Name, StringComparison.Ordinal));
            var openIncidents = card.QuerySelectorAll("dl.facts > div").Single(f => f.QuerySelector("dt")!.TextContent == "Open incidents").QuerySelector("dd")!;
            Assert.Equal("1", openIncidents.TextContent.Trim());
        }

        // Once the account is known, the same record lands there and the incident closes.
        var late = await app.WithDbAsync(async (db, _) =>
        {
            var a = new Account("Late " + PorticoApp.Unique(), DateTime.UtcNow, unknownAccount);
            db.Accounts.Add(a);
            await db.SaveChangesAsync();
            return a;
        });
        var resolved = await OkAsync(await client.PutBatchAsync(Invoices, orphan, mapped));
        AssertCounts(resolved, created: 1, updated: 0, unchanged: 1, failed: 0);
        Assert.Equal(late.Id, await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().Where(i => i.ExternalId == orphanId).Select(i => i.AccountId).SingleAsync()));
        Assert.NotNull(await app.WithDbAsync((db, _) => db.DataQualityIncidents.Where(i => i.Id == incident.Id).Select(i => i.ResolvedAt).SingleAsync()));
    }

    [Fact]
    public async Task Accounts_are_created_and_renamed_by_their_external_id()
    {
        var (integration, client) = await app.OwnerAsync(Accounts, Invoices);
        using var _ = client;
        var alpha = "CRM-" + PorticoApp.Unique();
        var beta = "CRM-" + PorticoApp.Unique();
        var nameless = "CRM-" + PorticoApp.Unique();
        JsonNode Acc(string id, string? name) => name is null ? new JsonObject { ["externalId"] = id } : new JsonObject { ["externalId"] = id, ["name"] = name };

        var first = await OkAsync(await client.PutBatchAsync(Accounts, Acc(alpha, "Alpha Ltd"), Acc(beta, "  Beta GmbH  "), Acc(nameless, null)));

        AssertCounts(first, created: 2, updated: 0, unchanged: 0, failed: 1);
        Assert.Equal("name is required.", first.Errors(2)["name"]);
        Task<List<Account>> SyncedAsync() => app.WithDbAsync((db, _) =>
            db.Accounts.AsNoTracking().Where(a => a.ExternalId == alpha || a.ExternalId == beta || a.ExternalId == nameless).OrderBy(a => a.Name).ToListAsync());
        var accounts = await SyncedAsync();
        Assert.Equal([("Alpha Ltd", alpha), ("Beta GmbH", beta)], accounts.Select(a => (a.Name, a.ExternalId)));

        AssertCounts(await OkAsync(await client.PutBatchAsync(Accounts, Acc(alpha, "Alpha Ltd"), Acc(beta, "Beta GmbH"))), created: 0, updated: 0, unchanged: 2, failed: 0);
        var renamed = await OkAsync(await client.PutBatchAsync(Accounts, Acc(alpha, "Alpha Holdings"), Acc(beta, "Beta GmbH")));

        AssertCounts(renamed, created: 0, updated: 1, unchanged: 1, failed: 0);
        var after = await SyncedAsync();
        Assert.Equal([("Alpha Holdings", alpha), ("Beta GmbH", beta)], after.Select(a => (a.Name, a.ExternalId)));
        Assert.Equal(accounts.Single(a => a.ExternalId == alpha).Id, after.Single(a => a.ExternalId == alpha).Id);

        // The synced account is where invoices for its external id land.
        var invoiceId = NewExternalId();
        AssertCounts(await OkAsync(await client.PutBatchAsync(Invoices, InvoiceJson(invoiceId, alpha))), created: 1, updated: 0, unchanged: 0, failed: 0);
        Assert.Equal(after.Single(a => a.ExternalId == alpha).Id,
            await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().Where(i => i.ExternalId == invoiceId).Select(i => i.AccountId).SingleAsync()));
    }
}
