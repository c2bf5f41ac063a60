namespace Portico.Tests.Integrations;

/// Copies of a record are ordered by the source's version or change time, never by when they arrive.
/// Which integration owns an object type is global, so every class here is in the app collection: they run one after another.
public sealed class SourceVersionTests(PorticoApp app) : AppTests
{
    private const string Invoices = SyncedObjectTypes.Invoices;
    private const string Orders = SyncedObjectTypes.Orders;
    private const string Accounts = SyncedObjectTypes.Accounts;

    [Fact]
    public async Task A_newer_invoice_followed_by_an_older_one_keeps_the_newer_and_reports_the_older_as_stale()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var id = NewExternalId("V");
        var older = Versioned(InvoiceJson(id, account.ExternalId!, number: "INV-OLD", total: 100m), version: 4);
        var newer = Versioned(InvoiceJson(id, account.ExternalId!, number: "INV-NEW", total: 250m, status: "paid"), version: 5);

        AssertCounts(await OkAsync(await client.PutBatchAsync(Invoices, newer)), created: 1, updated: 0, unchanged: 0, failed: 0);
        var late = await OkAsync(await client.PutBatchAsync(Invoices, older));

        AssertCounts(late, created: 0, updated: 0, unchanged: 0, failed: 0);
        Assert.Equal(1, late.GetProperty("stale").GetInt32());
        Assert.Equal("stale", late.Outcome(0));
        Assert.Contains("version 5", late.Result(0).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var stored = Assert.Single(await app.InvoicesOfAsync(integration.Id));
        Assert.Equal(("INV-NEW", 25_000L, InvoiceStatus.Paid, (long?)5), (stored.Number, stored.TotalMinor, stored.Status, stored.SourceVersion));

        var replay = await OkAsync(await client.PutBatchAsync(Invoices, newer));

        AssertCounts(replay, created: 0, updated: 0, unchanged: 1, failed: 0);
        Assert.Equal((long?)5, Assert.Single(await app.InvoicesOfAsync(integration.Id)).SourceVersion);
    }

    [Fact]
    public async Task Orders_are_ordered_by_updatedAt_when_the_source_has_no_version()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Orders);
        using var _ = client;
        var id = NewExternalId("O");
        var shipped = Versioned(OrderJson(id, account.ExternalId!, status: "Shipped"), updatedAt: "2026-11-30T10:00:00.1234567+02:00");
        var received = Versioned(OrderJson(id, account.ExternalId!, status: "Received"), updatedAt: "2026-11-30T07:59:59Z");

        AssertCounts(await OkAsync(await client.PutBatchAsync(Orders, shipped)), created: 1, updated: 0, unchanged: 0, failed: 0);
        var late = await OkAsync(await client.PutBatchAsync(Orders, received));
        var replay = await OkAsync(await client.PutBatchAsync(Orders, shipped));

        Assert.Equal("stale", late.Outcome(0));
        Assert.Equal("unchanged", replay.Outcome(0));
        var stored = await app.WithDbAsync((db, _) => db.Orders.IgnoreQueryFilters().AsNoTracking().SingleAsync(o => o.IntegrationId == integration.Id));
        Assert.Equal("Shipped", stored.Status);
        Assert.Equal(new DateTime(2026, 11, 30, 8, 0, 0, 123, 456, DateTimeKind.Utc), stored.SourceUpdatedAt);
    }

    [Fact]
    public async Task An_account_rename_from_an_older_version_is_not_applied()
    {
        var (_, client) = await app.OwnerAsync(Accounts);
        using var _ = client;
        var id = NewExternalId("CRM");

        await OkAsync(await client.PutBatchAsync(Accounts, new JsonObject { ["externalId"] = id, ["name"] = "Acme Ltd", ["version"] = 9 }));
        var late = await OkAsync(await client.PutBatchAsync(Accounts, new JsonObject { ["externalId"] = id, ["name"] = "Acme", ["version"] = 8 }));

        Assert.Equal("stale", late.Outcome(0));
        var account = await app.WithDbAsync((db, _) => db.Accounts.AsNoTracking().SingleAsync(a => a.ExternalId == id));
        Assert.Equal(("Acme Ltd", (long?)9), (account.Name, account.SourceVersion));
    }

    [Fact]
    public async Task The_same_version_with_other_content_is_stale_and_a_newer_version_of_the_same_content_only_moves_the_version()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var id = NewExternalId("S");
        var original = Versioned(InvoiceJson(id, account.ExternalId!, number: "INV-S", total: 100m), version: 2);
        var changedWithoutNewVersion = Versioned(InvoiceJson(id, account.ExternalId!, number: "INV-S", total: 999m), version: 2);
        var sameContentNewerVersion = Versioned(InvoiceJson(id, account.ExternalId!, number: "INV-S", total: 100m), version: 3);
        await OkAsync(await client.PutBatchAsync(Invoices, original));
        var before = Assert.Single(await app.InvoicesOfAsync(integration.Id));

        var conflicting = await OkAsync(await client.PutBatchAsync(Invoices, changedWithoutNewVersion));
        var confirmed = await OkAsync(await client.PutBatchAsync(Invoices, sameContentNewerVersion));

        Assert.Equal("stale", conflicting.Outcome(0));
        Assert.Equal("unchanged", confirmed.Outcome(0));
        var after = Assert.Single(await app.InvoicesOfAsync(integration.Id));
        Assert.Equal((10_000L, before.UpdatedAt, before.ContentHash, (long?)3), (after.TotalMinor, after.UpdatedAt, after.ContentHash, after.SourceVersion));
    }

    [Fact]
    public async Task Bad_versions_are_refused_per_record_and_nothing_is_applied()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var id = NewExternalId("B");
        await OkAsync(await client.PutBatchAsync(Invoices, Versioned(InvoiceJson(id, account.ExternalId!, number: "INV-B", total: 100m), version: 7)));
        var future = DateTime.UtcNow.AddHours(2).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        var batch = await OkAsync(await client.PutBatchAsync(Invoices,
            InvoiceJson(id, account.ExternalId!, number: "INV-B", total: 1m),
            Versioned(InvoiceJson(NewExternalId(), account.ExternalId!), version: -1),
            Versioned(InvoiceJson(NewExternalId(), account.ExternalId!), updatedAt: "2026-11-30T10:00:00"),
            Versioned(InvoiceJson(NewExternalId(), account.ExternalId!), updatedAt: future)));

        AssertCounts(batch, created: 0, updated: 0, unchanged: 0, failed: 4);
        Assert.Contains("send version with every copy", batch.Errors(0)["version"], StringComparison.Ordinal);
        Assert.Contains("0 or more", batch.Errors(1)["version"], StringComparison.Ordinal);
        Assert.Contains("time zone", batch.Errors(2)["updatedAt"], StringComparison.Ordinal);
        Assert.Contains("ahead of the portal's clock", batch.Errors(3)["updatedAt"], StringComparison.Ordinal);
        var stored = Assert.Single(await app.InvoicesOfAsync(integration.Id));
        Assert.Equal((10_000L, (long?)7), (stored.TotalMinor, stored.SourceVersion));
    }
}
