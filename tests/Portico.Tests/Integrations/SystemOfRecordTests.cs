using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Features.Audit;
using Portico.Features.Billing;
using Portico.Features.Identity;
using Portico.Features.Integrations;
using Portico.Features.Orders;
using Portico.Tests.Infrastructure;
using Xunit.Abstractions;
using static Portico.Tests.Integrations.IntegrationSteps;

namespace Portico.Tests.Integrations;

/// Everything that depends on which integration is the system of record for an object type.
/// That choice is global (one owner per type), so these tests live in one class, run one after
/// another, and each sets the owner it needs first.
[Collection(AppCollection.Name)]
public sealed class SystemOfRecordTests(PorticoApp app, ITestOutputHelper output)
{
    private const string Invoices = SyncedObjectTypes.Invoices;
    private const string Orders = SyncedObjectTypes.Orders;
    private const string Accounts = SyncedObjectTypes.Accounts;

    /// An integration with a key that owns the given object types.
    private async Task<(Integration Integration, HttpClient Client)> OwnerAsync(params string[] objectTypes)
    {
        var (integration, client) = await app.CreateIntegrationWithKeyAsync();
        foreach (var type in objectTypes)
        {
            await app.SetOwnerAsync(type, integration.Id);
        }
        return (integration, client);
    }

    /// The integration's invoices in ordinal order of their external ids (the same on every database).
    private async Task<List<Invoice>> InvoicesOfAsync(Guid integrationId) =>
        (await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AsNoTracking().Where(i => i.IntegrationId == integrationId).ToListAsync()))
            .OrderBy(i => i.ExternalId, StringComparer.Ordinal).ToList();

    private Task<Integration> ReloadAsync(Guid integrationId) =>
        app.WithDbAsync((db, _) => db.Integrations.AsNoTracking().SingleAsync(i => i.Id == integrationId));

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static void AssertCounts(JsonElement batch, int created, int updated, int unchanged, int failed)
    {
        Assert.Equal(
            (created, updated, unchanged, failed),
            (batch.GetProperty("created").GetInt32(), batch.GetProperty("updated").GetInt32(), batch.GetProperty("unchanged").GetInt32(), batch.GetProperty("failed").GetInt32()));
    }

    [Fact]
    public async Task A_key_of_an_integration_that_does_not_own_invoices_gets_403_and_nothing_is_written()
    {
        var owner = await app.CreateIntegrationAsync();
        var (intruder, client) = await app.CreateIntegrationWithKeyAsync();
        using var _ = client;
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using (var browser = await app.SignInAsync(admin))
        {
            foreach (var type in new[] { Invoices, Orders })
            {
                var page = await browser.GetPageAsync("/staff/integrations");
                var saved = await browser.PostFormAsync("/staff/integrations?handler=Owner", page, new Dictionary<string, string>
                {
                    ["objectType"] = type,
                    ["integrationId"] = owner.Id.ToString(),
                });
                Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
            }
        }
        Assert.Equal(owner.Id, await app.WithDbAsync((db, _) => db.SystemsOfRecord.Where(s => s.ObjectType == Invoices).Select(s => s.IntegrationId).SingleAsync()));
        var account = await app.CreateMappedAccountAsync();
        // An invoice the intruder wrote while it still owned invoices.
        var earlier = await app.CreateInvoiceAsync(account, intruder);
        var externalId = NewExternalId();
        var auditBefore = await app.WithDbAsync((db, _) => db.AuditEvents.MaxAsync(e => (long?)e.Id)) ?? 0;

        var put = await client.PutBatchAsync(Invoices, InvoiceJson(externalId, account.ExternalId!));
        var delete = await client.DeleteRecordAsync(Invoices, earlier.ExternalId);
        var putOrders = await client.PutBatchAsync(Orders, OrderJson(NewExternalId(), account.ExternalId!));

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Contains("Another integration is the system of record for invoices", (await put.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, putOrders.StatusCode);
        Assert.False(await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AnyAsync(i => i.ExternalId == externalId)));
        Assert.True(await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AnyAsync(i => i.Id == earlier.Id)));
        Assert.Equal(0, (await ReloadAsync(intruder.Id)).RecordsSynced);
        Assert.False(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Id > auditBefore && e.TargetId == intruder.Id.ToString())));

        // The refusal is about ownership, not the record: the owner's key writes the same batch.
        var (_, ownerSecret) = await app.CreateKeyAsync(owner);
        using var ownerClient = app.ApiClient(ownerSecret);
        AssertCounts(await OkAsync(await ownerClient.PutBatchAsync(Invoices, InvoiceJson(externalId, account.ExternalId!))), created: 1, updated: 0, unchanged: 0, failed: 0);
    }

    [Fact]
    public async Task A_batch_creates_invoices_and_replaying_it_changes_nothing()
    {
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();
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
        var created = await InvoicesOfAsync(integration.Id);
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
        Assert.Equal(3, (await ReloadAsync(integration.Id)).RecordsSynced);

        var auditBefore = await app.WithDbAsync((db, _) => db.AuditEvents.MaxAsync(e => (long?)e.Id)) ?? 0;
        // Long enough that a rewrite would show in UpdatedAt on every database.
        await Task.Delay(50);

        var replay = await OkAsync(await client.PutBatchAsync(Invoices, batch));

        AssertCounts(replay, created: 0, updated: 0, unchanged: 3, failed: 0);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal("unchanged", replay.Outcome(i)));
        var after = await InvoicesOfAsync(integration.Id);
        Assert.Equal(created.Select(i => (i.Id, i.UpdatedAt, i.ContentHash, i.TotalMinor, i.PaidMinor)), after.Select(i => (i.Id, i.UpdatedAt, i.ContentHash, i.TotalMinor, i.PaidMinor)));
        // Only the "last confirmed" time moves.
        Assert.All(after, i => Assert.True(i.SyncedAt > created.Single(c => c.Id == i.Id).SyncedAt));
        Assert.Equal(3, (await ReloadAsync(integration.Id)).RecordsSynced);
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
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();
        var records = Enumerable.Range(0, 3).Select(i => InvoiceJson(NewExternalId($"U{i}"), account.ExternalId!, total: 100m)).ToArray();
        AssertCounts(await OkAsync(await client.PutBatchAsync(Invoices, records)), created: 3, updated: 0, unchanged: 0, failed: 0);
        var before = (await InvoicesOfAsync(integration.Id)).ToDictionary(i => i.ExternalId);
        await Task.Delay(50);

        var changed = records.Select(r => r.DeepClone()).ToArray();
        changed[1]["status"] = "paid";
        changed[1]["payments"] = new JsonArray(new JsonObject { ["paidOn"] = Date(Today), ["amount"] = 100m, ["reference"] = "Card" });
        var result = await OkAsync(await client.PutBatchAsync(Invoices, changed));

        AssertCounts(result, created: 0, updated: 1, unchanged: 2, failed: 0);
        Assert.Equal(["unchanged", "updated", "unchanged"], Enumerable.Range(0, 3).Select(i => result.Outcome(i)));
        var after = (await InvoicesOfAsync(integration.Id)).ToDictionary(i => i.ExternalId);
        var id1 = (string)records[1]["externalId"]!;
        Assert.Equal((InvoiceStatus.Paid, 10_000L), (after[id1].Status, after[id1].PaidMinor));
        Assert.True(after[id1].UpdatedAt > before[id1].UpdatedAt);
        Assert.NotEqual(before[id1].ContentHash, after[id1].ContentHash);
        Assert.Equal(before[id1].Id, after[id1].Id);
        foreach (var id in new[] { (string)records[0]["externalId"]!, (string)records[2]["externalId"]! })
        {
            Assert.Equal((before[id].UpdatedAt, before[id].ContentHash, InvoiceStatus.Open), (after[id].UpdatedAt, after[id].ContentHash, after[id].Status));
        }
        Assert.Equal(4, (await ReloadAsync(integration.Id)).RecordsSynced);
    }

    [Fact]
    public async Task Malformed_json_or_a_body_without_records_refuses_the_whole_batch()
    {
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();
        var valid = InvoiceJson(NewExternalId(), account.ExternalId!).ToJsonString();

        var malformed = await client.PutRawAsync(Invoices, "{\"records\":[" + valid + ",{\"externalId\":\"x\",}]}");
        var truncated = await client.PutRawAsync(Invoices, "{\"records\":[" + valid);
        var noRecords = await client.PutRawAsync(Invoices, "{\"items\":[" + valid + "]}");
        var notJson = await client.PutAsync(new Uri("/api/integration/invoices", UriKind.Relative), new StringContent("{\"records\":[" + valid + "]}", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("Malformed JSON", (await malformed.JsonAsync()).GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noRecords.StatusCode);
        Assert.Contains("\"records\" array", (await noRecords.JsonAsync()).GetProperty("errors").GetProperty("records")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        Assert.Empty(await InvoicesOfAsync(integration.Id));
        Assert.Equal(0, (await ReloadAsync(integration.Id)).RecordsSynced);
    }

    [Fact]
    public async Task Each_invalid_record_is_refused_with_its_errors_while_valid_records_in_the_batch_are_applied()
    {
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();
        var crm = account.ExternalId!;
        var duplicate = NewExternalId("DUP");
        var halfDuplicate = NewExternalId("HALF");
        JsonNode Patched(string id, Action<JsonObject> change)
        {
            var invoice = InvoiceJson(id, crm);
            change(invoice);
            return invoice;
        }
        JsonNode[] records =
        [
            /* 0 */ InvoiceJson(NewExternalId("OK"), crm, total: 10.12m),
            /* 1 */ Patched(NewExternalId(), r => r["totl"] = 5),
            /* 2 */ Patched(NewExternalId(), r => r["total"] = "ten euros"),
            /* 3 */ Patched(NewExternalId(), r => r["issuedOn"] = "31/12/2024"),
            /* 4 */ InvoiceJson(NewExternalId(), crm, currency: "EUR", total: 10.123m),
            /* 5 */ InvoiceJson(NewExternalId(), crm, currency: "JPY", total: 10.5m),
            /* 6 */ InvoiceJson(NewExternalId(), crm, currency: "XYZ"),
            /* 7 */ InvoiceJson(duplicate, crm, total: 1m),
            /* 8 */ InvoiceJson(duplicate, crm, total: 2m),
            /* 9 */ new JsonObject { ["externalId"] = NewExternalId() },
            /* 10 */ Patched(NewExternalId(), r => { r.Remove("issuedOn"); r.Remove("dueOn"); r.Remove("status"); r.Remove("total"); }),
            /* 11 */ Patched("", r => { }),
            /* 12 */ Patched(NewExternalId(), r => r["lines"]![0]!["vat"] = 19),
            /* 13 */ InvoiceJson(NewExternalId("OK"), crm, currency: "JPY", total: 1500m),
            /* 14 */ InvoiceJson(NewExternalId(), crm, total: 5m, payments: [new JsonObject { ["paidOn"] = Date(Today), ["amount"] = 1.001m }]),
            /* 15 */ InvoiceJson(halfDuplicate, crm, total: 3m),
            /* 16 */ InvoiceJson(halfDuplicate, crm, currency: "XYZ"),
        ];

        var result = await OkAsync(await client.PutBatchAsync(Invoices, records));

        AssertCounts(result, created: 2, updated: 0, unchanged: 0, failed: records.Length - 2);
        Assert.Equal("created", result.Outcome(0));
        Assert.Equal("created", result.Outcome(13));
        Assert.All(Enumerable.Range(1, 12).Append(14).Append(15).Append(16), i => Assert.Equal("error", result.Outcome(i)));
        Assert.Contains("unknown field \"totl\"", result.Errors(1)["record"], StringComparison.Ordinal);
        Assert.Contains("total has the wrong type", result.Errors(2)["record"], StringComparison.Ordinal);
        Assert.Contains("issuedOn has the wrong type", result.Errors(3)["record"], StringComparison.Ordinal);
        Assert.Contains("more decimals than EUR allows (2)", result.Errors(4)["total"], StringComparison.Ordinal);
        Assert.Contains("more decimals than JPY allows (0)", result.Errors(5)["total"], StringComparison.Ordinal);
        Assert.Contains("ISO 4217", result.Errors(6)["currency"], StringComparison.Ordinal);
        Assert.Contains("XYZ", result.Errors(6)["currency"], StringComparison.Ordinal);
        Assert.Contains("appears 2 times", result.Errors(7)["externalId"], StringComparison.Ordinal);
        Assert.Contains("appears 2 times", result.Errors(8)["externalId"], StringComparison.Ordinal);
        Assert.Equal(["currency", "externalAccountId", "number"], result.Errors(9).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["dueOn", "issuedOn", "status", "total"], result.Errors(10).Keys.Order(StringComparer.Ordinal));
        Assert.Equal("externalId is required.", result.Errors(11)["externalId"]);
        Assert.Contains("unknown field \"lines[0].vat\"", result.Errors(12)["record"], StringComparison.Ordinal);
        Assert.Contains("more decimals than EUR allows", result.Errors(14)["payments[0].amount"], StringComparison.Ordinal);
        // One of the two is invalid on its own, but the id is still ambiguous: neither is applied.
        Assert.Contains("externalId", result.Errors(15).Keys);

        var stored = await InvoicesOfAsync(integration.Id);
        Assert.Equal(
            new[] { ((string)records[0]["externalId"]!, "EUR", 1012L), ((string)records[13]["externalId"]!, "JPY", 1500L) }.OrderBy(x => x.Item1, StringComparer.Ordinal),
            stored.Select(i => (i.ExternalId, i.Currency, i.TotalMinor)));
        var reloaded = await ReloadAsync(integration.Id);
        Assert.Equal(2, reloaded.RecordsSynced);
        Assert.NotNull(reloaded.LastFailureAt);
        Assert.Contains($"{records.Length - 2} of {records.Length} invoices refused", reloaded.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_amount_too_large_for_any_invoice_is_a_record_error_not_a_failed_batch()
    {
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();
        var valid = InvoiceJson(NewExternalId("OK"), account.ExternalId!);
        var huge = InvoiceJson(NewExternalId(), account.ExternalId!, total: 70_000_000_000_000_000_000_000_000_000m);

        var result = await OkAsync(await client.PutBatchAsync(Invoices, valid, huge));

        AssertCounts(result, created: 1, updated: 0, unchanged: 0, failed: 1);
        Assert.StartsWith("total is too large", result.Errors(1)["total"], StringComparison.Ordinal);
        Assert.Equal([(string)valid["externalId"]!], (await InvoicesOfAsync(integration.Id)).Select(i => i.ExternalId));
    }

    [Fact]
    public async Task A_control_character_in_any_record_refuses_the_whole_batch_naming_the_field()
    {
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();
        var valid = InvoiceJson(NewExternalId("OK"), account.ExternalId!);
        var withNul = InvoiceJson(NewExternalId(), account.ExternalId!, number: "INV\0-1");
        var inLine = InvoiceJson(NewExternalId(), account.ExternalId!);
        inLine["lines"]![0]!["description"] = "Support\u0008plan";

        var nul = await client.PutBatchAsync(Invoices, valid, withNul);
        var backspace = await client.PutBatchAsync(Invoices, valid, inLine);

        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        var errors = (await nul.JsonAsync()).GetProperty("errors");
        Assert.Contains("records[1].number contains a control character (U+0000)", errors.GetProperty("records[1].number")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, backspace.StatusCode);
        Assert.True((await backspace.JsonAsync()).GetProperty("errors").TryGetProperty("records[1].lines[0].description", out var _));
        Assert.Empty(await InvoicesOfAsync(integration.Id));
        Assert.Equal(0, (await ReloadAsync(integration.Id)).RecordsSynced);
    }

    [Fact]
    public async Task A_batch_with_a_member_other_than_records_is_refused_naming_the_member()
    {
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();

        var empty = await client.PutRawAsync(Invoices, "{\"records\":[],\"evil\":1}");
        var beside = await client.PutRawAsync(Invoices, "{\"records\":[" + InvoiceJson(NewExternalId(), account.ExternalId!).ToJsonString() + "],\"dryRun\":true}");

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Unknown member \"evil\"", (await empty.JsonAsync()).GetProperty("errors").GetProperty("evil")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, beside.StatusCode);
        Assert.True((await beside.JsonAsync()).GetProperty("errors").TryGetProperty("dryRun", out var _));
        Assert.Empty(await InvoicesOfAsync(integration.Id));
    }

    [Fact]
    public async Task External_ids_with_surrounding_spaces_are_matched_on_replay()
    {
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();
        var id = NewExternalId("PAD");
        var padded = InvoiceJson("  " + id + "  ", account.ExternalId!);

        var first = await OkAsync(await client.PutBatchAsync(Invoices, padded));
        var replay = await client.PutBatchAsync(Invoices, padded);
        var trimmed = await client.PutBatchAsync(Invoices, InvoiceJson(id, account.ExternalId!, number: (string)padded["number"]!));

        AssertCounts(first, created: 1, updated: 0, unchanged: 0, failed: 0);
        AssertCounts(await OkAsync(replay), created: 0, updated: 0, unchanged: 1, failed: 0);
        Assert.Equal(HttpStatusCode.OK, trimmed.StatusCode);
        var stored = Assert.Single(await InvoicesOfAsync(integration.Id));
        Assert.Equal(id, stored.ExternalId);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteRecordAsync(Invoices, id)).StatusCode);
    }

    [Fact]
    public async Task An_unmapped_account_raises_one_incident_that_counts_replays_and_nothing_is_guessed()
    {
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();
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
    public async Task A_batch_over_10000_records_is_refused_with_a_clear_error()
    {
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();
        var prefix = NewExternalId("BIG");
        var records = Enumerable.Range(0, IntegrationSync.MaxBatch + 1).Select(i => (JsonNode)InvoiceJson($"{prefix}-{i}", account.ExternalId!, number: $"N-{i}")).ToArray();

        var response = await client.PutBatchAsync(Invoices, records);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("errors").GetProperty("records")[0].GetString()!;
        Assert.Contains("at most 10,000 records", error, StringComparison.Ordinal);
        Assert.Contains("10,001", error, StringComparison.Ordinal);
        Assert.Contains("Split it", error, StringComparison.Ordinal);
        Assert.Empty(await InvoicesOfAsync(integration.Id));
    }

    [Fact]
    public async Task A_batch_of_exactly_10000_records_is_applied()
    {
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        client.Timeout = TimeSpan.FromMinutes(10);
        var account = await app.CreateMappedAccountAsync();
        var prefix = NewExternalId("MAX");
        var records = Enumerable.Range(0, IntegrationSync.MaxBatch)
            .Select(i => (JsonNode)InvoiceJson($"{prefix}-{i:D5}", account.ExternalId!, number: $"N-{i:D5}", total: 1m + i / 100m)).ToArray();

        var watch = Stopwatch.StartNew();
        var result = await OkAsync(await client.PutBatchAsync(Invoices, records));
        var created = watch.Elapsed;
        watch.Restart();
        var replay = await OkAsync(await client.PutBatchAsync(Invoices, records));
        var replayed = watch.Elapsed;
        output.WriteLine($"{app.Provider}: 10,000 invoices created in {created.TotalSeconds:F1} s, replayed in {replayed.TotalSeconds:F1} s");

        AssertCounts(result, created: IntegrationSync.MaxBatch, updated: 0, unchanged: 0, failed: 0);
        AssertCounts(replay, created: 0, updated: 0, unchanged: IntegrationSync.MaxBatch, failed: 0);
        var (count, sum) = await app.WithDbAsync(async (db, _) =>
        {
            var mine = db.Invoices.IgnoreQueryFilters().Where(i => i.IntegrationId == integration.Id);
            return (await mine.CountAsync(), await mine.SumAsync(i => i.TotalMinor));
        });
        Assert.Equal(IntegrationSync.MaxBatch, count);
        // Σ (100 + i) cents for i in 0..9999
        Assert.Equal(100L * 10_000 + 9_999L * 10_000 / 2, sum);
        Assert.Equal(IntegrationSync.MaxBatch, (await ReloadAsync(integration.Id)).RecordsSynced);
    }

    [Fact]
    public async Task Accounts_are_created_and_renamed_by_their_external_id()
    {
        var (integration, client) = await OwnerAsync(Accounts, Invoices);
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

    [Fact]
    public async Task Orders_are_upserted_by_external_id_and_deleted_with_204_then_404()
    {
        var (integration, client) = await OwnerAsync(Orders);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();
        var id = NewExternalId("SO");
        var order = OrderJson(id, account.ExternalId!, reference: "SO-1001", title: "Network upgrade", kind: "Project",
            milestones: [new JsonObject { ["name"] = "Design", ["dueOn"] = Date(Today.AddDays(-6)), ["doneOn"] = Date(Today.AddDays(-7)) },
                         new JsonObject { ["name"] = "Installation", ["dueOn"] = Date(Today.AddDays(7)) }],
            tracking: new JsonObject { ["carrier"] = "DHL", ["number"] = "JD0001", ["url"] = "https://track.example/JD0001" },
            timeline: [new JsonObject { ["at"] = "2024-05-01T10:00:00Z", ["text"] = "Order received" }]);
        var badStatus = OrderJson(NewExternalId(), account.ExternalId!, status: "Lost");
        var badTracking = OrderJson(NewExternalId(), account.ExternalId!, tracking: new JsonObject { ["url"] = "http://track.example/x" });

        var first = await OkAsync(await client.PutBatchAsync(Orders, order, badStatus, badTracking));

        AssertCounts(first, created: 1, updated: 0, unchanged: 0, failed: 2);
        Assert.Contains("status must be one of", first.Errors(1)["status"], StringComparison.Ordinal);
        Assert.Contains("https", first.Errors(2)["tracking.url"], StringComparison.Ordinal);
        var stored = await app.WithDbAsync((db, _) => db.Orders.IgnoreQueryFilters().AsNoTracking().SingleAsync(o => o.IntegrationId == integration.Id));
        Assert.Equal((id, account.Id, "SO-1001", "Network upgrade", "Project", "InProgress"), (stored.ExternalId, stored.AccountId, stored.Reference, stored.Title, stored.Kind, stored.Status));
        Assert.Equal(("DHL", "JD0001", "https://track.example/JD0001"), (stored.TrackingCarrier, stored.TrackingNumber, stored.TrackingUrl));
        Assert.Equal("Installation", stored.NextMilestone?.Name);
        Assert.Equal([new OrderEvent(new DateTime(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc), "Order received")], stored.Timeline);

        AssertCounts(await OkAsync(await client.PutBatchAsync(Orders, order)), created: 0, updated: 0, unchanged: 1, failed: 0);
        var shipped = order.DeepClone();
        shipped["status"] = "shipped";
        AssertCounts(await OkAsync(await client.PutBatchAsync(Orders, shipped)), created: 0, updated: 1, unchanged: 0, failed: 0);
        Assert.Equal("Shipped", await app.WithDbAsync((db, _) => db.Orders.IgnoreQueryFilters().Where(o => o.Id == stored.Id).Select(o => o.Status).SingleAsync()));

        var deleted = await client.DeleteRecordAsync(Orders, id);
        var again = await client.DeleteRecordAsync(Orders, id);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.False(await app.WithDbAsync((db, _) => db.Orders.IgnoreQueryFilters().AnyAsync(o => o.Id == stored.Id)));
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.IntegrationRecordDeleted && e.TargetId == id)));
    }

    [Fact]
    public async Task Invoices_are_deleted_by_external_id_with_204_then_404_and_only_the_owners_own()
    {
        var (integration, client) = await OwnerAsync(Invoices);
        using var _ = client;
        var account = await app.CreateMappedAccountAsync();
        var id = NewExternalId();
        AssertCounts(await OkAsync(await client.PutBatchAsync(Invoices, InvoiceJson(id, account.ExternalId!))), created: 1, updated: 0, unchanged: 0, failed: 0);
        // Same external id, written by another source earlier: not this integration's to delete.
        var foreign = await app.CreateInvoiceAsync(account, await app.CreateIntegrationAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteRecordAsync(Invoices, id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteRecordAsync(Invoices, id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteRecordAsync(Invoices, foreign.ExternalId)).StatusCode);
        Assert.Empty(await InvoicesOfAsync(integration.Id));
        Assert.True(await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AnyAsync(i => i.Id == foreign.Id)));
    }

    [Fact]
    public async Task A_late_system_of_record_shows_a_stale_warning_until_it_syncs_again()
    {
        var (integration, client) = await OwnerAsync(Invoices, Orders);
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
        var owner = await app.CreateUserAsync();
        await app.AddMemberAsync(account, owner, BuiltInRoles.Owner);
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
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var browser = await app.SignInAsync(user);

        var invoices = await browser.GetPageAsync($"/a/{account.Id}/invoices");
        var orders = await browser.GetPageAsync($"/a/{account.Id}/orders");

        Assert.Null(invoices.QuerySelector("[data-testid=stale-warning]"));
        Assert.Equal($"Updated 5 minutes ago from {recent.Name}.", invoices.QuerySelector("[data-testid=freshness]")?.TextContent.Trim());
        Assert.Null(orders.QuerySelector("[data-testid=freshness]"));
        Assert.Contains($"Not synced from {never.Name} yet.", orders.QuerySelector("[data-testid=stale-warning]")?.TextContent, StringComparison.Ordinal);
    }
}
