using Xunit.Abstractions;

namespace Portico.Tests.Integrations;

/// Batches of invoices: created, updated and replayed by external id, up to the largest batch.
/// Which integration owns an object type is global, so every class here is in the app collection: they run one after another.
public sealed class SystemOfRecordBatchTests(PorticoApp app, ITestOutputHelper output) : AppTests
{
    private const string Invoices = SyncedObjectTypes.Invoices;

    [Fact]
    public async Task A_batch_creates_invoices_and_replaying_it_changes_nothing()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var ids = new[] { NewExternalId("A"), NewExternalId("B"), NewExternalId("C") };
        JsonNode[] batch =
        [
            InvoiceJson(ids[0], account.ExternalId!, number: "INV-A-" + PorticoApp.Unique(), total: 1234.56m,
                lines: [new JsonObject { ["description"] = "Support plan", ["quantity"] = 2, ["unitPrice"] = 500m, ["amount"] = 1000m },
                        new JsonObject { ["description"] = "Consulting", ["quantity"] = 1.5m, ["unitPrice"] = 156.37m, ["amount"] = 234.56m }],
                payments: [new JsonObject { ["paidOn"] = Date(Today.AddDays(-2)), ["amount"] = 200.5m, ["reference"] = "Bank transfer" }],
                pdfUrl: "https://billing.example/invoices/a.pdf"),
            InvoiceJson(ids[1], account.ExternalId!, currency: "USD", total: 0.1m),
            InvoiceJson(ids[2], account.ExternalId!, currency: "JPY", total: 15000m, status: "paid"),
        ];

        var first = await OkAsync(await client.PutBatchAsync(Invoices, batch));

        AssertCounts(first, created: 3, updated: 0, unchanged: 0, failed: 0);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal("created", first.Outcome(i)));
        Assert.Equal(ids[1], first.Result(1).GetProperty("externalId").GetString());
        var created = await app.InvoicesOfAsync(integration.Id);
        Assert.Equal(ids.Order(StringComparer.Ordinal), created.Select(i => i.ExternalId));
        Assert.All(created, i => Assert.Equal(account.Id, i.AccountId));
        var a = created.Single(i => i.ExternalId == ids[0]);
        Assert.Equal(("EUR", 123_456L, 20_050L, InvoiceStatus.Open), (a.Currency, a.TotalMinor, a.PaidMinor, a.Status));
        Assert.Equal([new InvoiceLine("Support plan", 2, 50_000, 100_000), new InvoiceLine("Consulting", 1.5m, 15_637, 23_456)], a.Lines);
        Assert.Equal([new InvoicePayment(Today.AddDays(-2), 20_050, "Bank transfer")], a.Payments);
        Assert.Equal("https://billing.example/invoices/a.pdf", a.PdfUrl);
        var b = created.Single(i => i.ExternalId == ids[1]);
        Assert.Equal(("USD", 10L), (b.Currency, b.TotalMinor));
        var c = created.Single(i => i.ExternalId == ids[2]);
        Assert.Equal(("JPY", 15_000L, InvoiceStatus.Paid), (c.Currency, c.TotalMinor, c.Status));
        Assert.Equal(3, (await app.ReloadAsync(integration.Id)).RecordsSynced);

        var auditBefore = await app.WithDbAsync((db, _) => db.AuditEvents.MaxAsync(e => (long?)e.Id)) ?? 0;
        // Long enough that a rewrite would show in UpdatedAt on every database.
        await Task.Delay(50);

        var replay = await OkAsync(await client.PutBatchAsync(Invoices, batch));

        AssertCounts(replay, created: 0, updated: 0, unchanged: 3, failed: 0);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal("unchanged", replay.Outcome(i)));
        var after = await app.InvoicesOfAsync(integration.Id);
        Assert.Equal(created.Select(i => (i.Id, i.UpdatedAt, i.ContentHash, i.TotalMinor, i.PaidMinor)), after.Select(i => (i.Id, i.UpdatedAt, i.ContentHash, i.TotalMinor, i.PaidMinor)));
        // Only the "last confirmed" time moves.
        Assert.All(after, i => Assert.True(i.SyncedAt > created.Single(c => c.Id == i.Id).SyncedAt));
        Assert.Equal(3, (await app.ReloadAsync(integration.Id)).RecordsSynced);
        var invoiceIds = created.Select(i => i.Id.ToString()).ToList();
        var events = await app.WithDbAsync((db, _) => db.AuditEvents.AsNoTracking().Where(e => e.Id > auditBefore).ToListAsync());
        var related = events.Where(e => e.TargetId == integration.Id.ToString() || invoiceIds.Contains(e.TargetId ?? "") || ids.Contains(e.TargetId ?? "")
            || (e.Details is { } d && (d.Contains(integration.Id.ToString(), StringComparison.Ordinal) || ids.Any(id => d.Contains(id, StringComparison.Ordinal))))).ToList();
        var only = Assert.Single(related);
        Assert.Equal(AuditActions.IntegrationBatch, only.Action);
        Assert.Contains("\"unchanged\":3", only.Details, StringComparison.Ordinal);
        Assert.Contains("\"created\":0", only.Details, StringComparison.Ordinal);
        Assert.Contains("\"updated\":0", only.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_one_field_updates_that_invoice_only()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var records = Enumerable.Range(0, 3).Select(i => InvoiceJson(NewExternalId($"U{i}"), account.ExternalId!, total: 100m)).ToArray();
        AssertCounts(await OkAsync(await client.PutBatchAsync(Invoices, records)), created: 3, updated: 0, unchanged: 0, failed: 0);
        var before = (await app.InvoicesOfAsync(integration.Id)).ToDictionary(i => i.ExternalId);
        await Task.Delay(50);

        var changed = records.Select(r => r.DeepClone()).ToArray();
        changed[1]["status"] = "paid";
        changed[1]["payments"] = new JsonArray(new JsonObject { ["paidOn"] = Date(Today), ["amount"] = 100m, ["reference"] = "Card" });
        var result = await OkAsync(await client.PutBatchAsync(Invoices, changed));

        AssertCounts(result, created: 0, updated: 1, unchanged: 2, failed: 0);
        Assert.Equal(["unchanged", "updated", "unchanged"], Enumerable.Range(0, 3).Select(i => result.Outcome(i)));
        var after = (await app.InvoicesOfAsync(integration.Id)).ToDictionary(i => i.ExternalId);
        var id1 = (string)records[1]["externalId"]!;
        Assert.Equal((InvoiceStatus.Paid, 10_000L), (after[id1].Status, after[id1].PaidMinor));
        Assert.True(after[id1].UpdatedAt > before[id1].UpdatedAt);
        Assert.NotEqual(before[id1].ContentHash, after[id1].ContentHash);
        Assert.Equal(before[id1].Id, after[id1].Id);
        foreach (var id in new[] { (string)records[0]["externalId"]!, (string)records[2]["externalId"]! })
        {
            Assert.Equal((before[id].UpdatedAt, before[id].ContentHash, InvoiceStatus.Open), (after[id].UpdatedAt, after[id].ContentHash, after[id].Status));
        }
        Assert.Equal(4, (await app.ReloadAsync(integration.Id)).RecordsSynced);
    }

    [Fact]
    public async Task External_ids_with_surrounding_spaces_are_matched_on_replay()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var id = NewExternalId("PAD");
        var padded = InvoiceJson("  " + id + "  ", account.ExternalId!);

        var first = await OkAsync(await client.PutBatchAsync(Invoices, padded));
        var replay = await client.PutBatchAsync(Invoices, padded);
        var trimmed = await client.PutBatchAsync(Invoices, InvoiceJson(id, account.ExternalId!, number: (string)padded["number"]!));

        AssertCounts(first, created: 1, updated: 0, unchanged: 0, failed: 0);
        AssertCounts(await OkAsync(replay), created: 0, updated: 0, unchanged: 1, failed: 0);
        Assert.Equal(HttpStatusCode.OK, trimmed.StatusCode);
        var stored = Assert.Single(await app.InvoicesOfAsync(integration.Id));
        Assert.Equal(id, stored.ExternalId);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteRecordAsync(Invoices, id)).StatusCode);
    }

    [Fact]
    public async Task A_batch_over_10000_records_is_refused_with_a_clear_error()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var prefix = NewExternalId("BIG");
        var records = Enumerable.Range(0, IntegrationRecordValidation.MaxBatch + 1).Select(i => (JsonNode)InvoiceJson($"{prefix}-{i}", account.ExternalId!, number: $"N-{i}")).ToArray();

        var response = await client.PutBatchAsync(Invoices, records);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("errors").GetProperty("records")[0].GetString()!;
        Assert.Contains("at most 10,000 records", error, StringComparison.Ordinal);
        Assert.Contains("10,001", error, StringComparison.Ordinal);
        Assert.Contains("Split it", error, StringComparison.Ordinal);
        Assert.Empty(await app.InvoicesOfAsync(integration.Id));
    }

    [Fact]
    public async Task A_batch_of_exactly_10000_records_is_applied()
    {
        var (integration, client) = await app.OwnerAsync(Invoices);
        using var _ = client;
        client.Timeout = TimeSpan.FromMinutes(10);
        var account = await app.CreateMappedAccountAsync();
        var prefix = NewExternalId("MAX");
        var records = Enumerable.Range(0, IntegrationRecordValidation.MaxBatch)
            .Select(i => (JsonNode)InvoiceJson($"{prefix}-{i:D5}", account.ExternalId!, number: $"N-{i:D5}", total: 1m + i / 100m)).ToArray();

        var watch = Stopwatch.StartNew();
        var result = await OkAsync(await client.PutBatchAsync(Invoices, records));
        var created = watch.Elapsed;
        watch.Restart();
        var replay = await OkAsync(await client.PutBatchAsync(Invoices, records));
        var replayed = watch.Elapsed;
        output.WriteLine($"{app.Provider}: 10,000 invoices created in {created.TotalSeconds:F1} s, replayed in {replayed.TotalSeconds:F1} s");

        AssertCounts(result, created: IntegrationRecordValidation.MaxBatch, updated: 0, unchanged: 0, failed: 0);
        AssertCounts(replay, created: 0, updated: 0, unchanged: IntegrationRecordValidation.MaxBatch, failed: 0);
        var (count, sum) = await app.WithDbAsync(async (db, _) =>
        {
            var mine = db.Invoices.IgnoreQueryFilters().Where(i => i.IntegrationId == integration.Id);
            return (await mine.CountAsync(), await mine.SumAsync(i => i.TotalMinor));
        });
        Assert.Equal(IntegrationRecordValidation.MaxBatch, count);
        // Σ (100 + i) cents for i in 0..9999
        Assert.Equal(100L * 10_000 + 9_999L * 10_000 / 2, sum);
        Assert.Equal(IntegrationRecordValidation.MaxBatch, (await app.ReloadAsync(integration.Id)).RecordsSynced);
    }
}
