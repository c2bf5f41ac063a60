namespace Portico.Tests.Integrations;

/// A simulated system of record makes random creates, changes and deletes of invoices and orders and delivers them
/// with faults: duplicated, reordered and dropped batches (the dropped ones sent again later), and batches with an
/// invalid record. After one reconciliation every record in Portico equals the source's, field by field.
/// PORTICO_CONVERGENCE_OPERATIONS sets how many changes the source makes (400 by default; the long run uses 20000).
public sealed class ConvergenceTests(PorticoApp app) : AppTests
{
    private sealed record Copy(string Id, string Account, string Label, decimal Total, string Status, long Version);

    private const int BatchSize = 25;

    [Fact]
    public async Task After_faulty_delivery_and_one_reconciliation_every_record_equals_the_source()
    {
        var operations = int.TryParse(Environment.GetEnvironmentVariable("PORTICO_CONVERGENCE_OPERATIONS"), out var n) ? n : 400;
        var random = new Random(18);
        var (integration, client) = await app.OwnerAsync(SyncedObjectTypes.Invoices, SyncedObjectTypes.Orders);
        using var _ = client;
        var accounts = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            accounts.Add((await app.CreateMappedAccountAsync()).ExternalId!);
        }
        var unknownAccount = "UNKNOWN-" + PorticoApp.Unique();
        var source = new Dictionary<string, Dictionary<string, Copy>> { [SyncedObjectTypes.Invoices] = [], [SyncedObjectTypes.Orders] = [] };
        var events = new List<(string Type, JsonObject Record)>();
        var unknown = new HashSet<string>();
        for (var i = 0; i < operations; i++)
        {
            var type = random.Next(2) == 0 ? SyncedObjectTypes.Invoices : SyncedObjectTypes.Orders;
            var records = source[type];
            var roll = random.Next(10);
            if (records.Count == 0 || roll < 4)
            {
                var id = $"{type[0]}-{PorticoApp.Unique()}";
                var account = random.Next(40) == 0 ? unknownAccount : accounts[random.Next(accounts.Count)];
                if (account == unknownAccount)
                {
                    unknown.Add(id);
                }
                records[id] = new Copy(id, account, $"R-{i}", random.Next(1, 100_000) / 100m, Status(type, random), 1);
                events.Add((type, Json(type, records[id])));
            }
            else
            {
                var pick = records.Values.ElementAt(random.Next(records.Count));
                if (roll < 8)
                {
                    records[pick.Id] = pick with { Label = $"R-{i}", Total = random.Next(1, 100_000) / 100m, Status = Status(type, random), Version = pick.Version + 1 };
                    events.Add((type, Json(type, records[pick.Id])));
                }
                else
                {
                    records.Remove(pick.Id);
                    events.Add((type, new JsonObject { ["externalId"] = pick.Id, ["deleted"] = true, ["version"] = pick.Version + 1 }));
                }
            }
        }

        // Batches of one type with each record once, then the faults.
        var batches = new List<(string Type, List<JsonObject> Records)>();
        foreach (var (type, record) in events)
        {
            var last = batches.LastOrDefault(b => b.Type == type);
            if (last.Records is null || last.Records.Count == BatchSize || last.Records.Any(r => r["externalId"]!.GetValue<string>() == record["externalId"]!.GetValue<string>()))
            {
                batches.Add((type, [record]));
            }
            else
            {
                last.Records.Add(record);
            }
        }
        var (duplicated, dropped, invalid) = (0, 0, 0);
        var delivery = new List<(string Type, List<JsonObject> Records)>();
        var later = new List<(string Type, List<JsonObject> Records)>();
        foreach (var batch in batches)
        {
            var sent = batch.Records.Select(r => (JsonObject)r.DeepClone()).ToList();
            if (random.Next(8) == 0)
            {
                sent.Add(new JsonObject { ["externalId"] = "BAD-" + PorticoApp.Unique(), ["externalAccountId"] = accounts[0], ["version"] = 1 });
                invalid++;
            }
            if (random.Next(10) == 0)
            {
                later.Add((batch.Type, sent));
                dropped++;
                continue;
            }
            delivery.Add((batch.Type, sent));
            if (random.Next(6) == 0)
            {
                delivery.Add((batch.Type, sent));
                duplicated++;
            }
        }
        // Reordered: each batch may swap with one of the next few.
        for (var i = 0; i < delivery.Count - 1; i++)
        {
            var j = Math.Min(delivery.Count - 1, i + random.Next(4));
            (delivery[i], delivery[j]) = (delivery[j], delivery[i]);
        }
        foreach (var (type, records) in delivery.Concat(later))
        {
            await OkAsync(await client.PutBatchAsync(type, [.. records]));
        }
        foreach (var type in source.Keys)
        {
            await ReconcileAsync(client, type, source[type].Values.Select(c => Json(type, c)).ToList());
        }

        var divergences = new List<string>();
        var invoices = (await app.InvoicesOfAsync(integration.Id)).ToDictionary(i => i.ExternalId);
        var orders = (await app.WithDbAsync((db, _) => db.Orders.IgnoreQueryFilters().AsNoTracking().Where(o => o.IntegrationId == integration.Id).ToListAsync()))
            .ToDictionary(o => o.ExternalId);
        var accountIds = await app.WithDbAsync((db, _) => db.Accounts.Where(a => accounts.Contains(a.ExternalId!)).ToDictionaryAsync(a => a.ExternalId!, a => a.Id));
        foreach (var copy in source[SyncedObjectTypes.Invoices].Values.Where(c => !unknown.Contains(c.Id)))
        {
            divergences.AddRange(!invoices.Remove(copy.Id, out var stored) ? [$"invoice {copy.Id} missing"]
                : (stored.Number, stored.TotalMinor, stored.Status.ToString(), stored.SourceVersion, stored.AccountId) != (copy.Label, (long)(copy.Total * 100), copy.Status, copy.Version, accountIds[copy.Account])
                    ? [$"invoice {copy.Id} differs"] : []);
        }
        foreach (var copy in source[SyncedObjectTypes.Orders].Values.Where(c => !unknown.Contains(c.Id)))
        {
            divergences.AddRange(!orders.Remove(copy.Id, out var stored) ? [$"order {copy.Id} missing"]
                : (stored.Reference, stored.Title, stored.Status, stored.SourceVersion, stored.AccountId) != (copy.Label, "Title " + copy.Label, copy.Status, copy.Version, accountIds[copy.Account])
                    ? [$"order {copy.Id} differs"] : []);
        }
        divergences.AddRange(invoices.Keys.Concat(orders.Keys).Select(id => $"{id} is in Portico but not at the source"));
        var incidents = await app.WithDbAsync((db, _) => db.DataQualityIncidents.AsNoTracking().Where(i => i.IntegrationId == integration.Id && i.ResolvedAt == null)
            .Select(i => i.ExternalId).ToListAsync());
        var live = source.Values.SelectMany(r => r.Keys).ToHashSet();
        divergences.AddRange(unknown.Where(live.Contains).Where(id => !incidents.Contains(id)).Select(id => $"{id} of an unknown account has no incident"));
        Assert.True(divergences.Count == 0,
            $"{events.Count} changes, {duplicated} duplicated, {dropped} dropped and sent later, {invalid} invalid records; divergences: {string.Join("; ", divergences.Take(20))}");
        Assert.True(source.Values.Sum(r => r.Count) > 0 && duplicated + dropped + invalid > 0);
    }

    private static string Status(string type, Random random) => type == SyncedObjectTypes.Invoices
        ? new[] { "Open", "Paid", "Void" }[random.Next(3)]
        : Order.Statuses[random.Next(Order.Statuses.Count)];

    private static JsonObject Json(string type, Copy copy)
    {
        var json = type == SyncedObjectTypes.Invoices
            ? InvoiceJson(copy.Id, copy.Account, number: copy.Label, total: copy.Total, status: copy.Status.ToLowerInvariant())
            : OrderJson(copy.Id, copy.Account, reference: copy.Label, status: copy.Status, title: "Title " + copy.Label);
        json["version"] = copy.Version;
        return json;
    }

    private static async Task ReconcileAsync(HttpClient client, string type, List<JsonObject> records)
    {
        var started = await client.PostAsync(new Uri($"/api/integration/{type}/snapshots", UriKind.Relative), null);
        var snapshot = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("snapshotId").GetGuid();
        var pages = records.Chunk(500).ToList();
        for (var i = 0; i < pages.Count; i++)
        {
            var body = new JsonObject { ["records"] = new JsonArray([.. pages[i].Select(r => (JsonNode)r.DeepClone())]) }.ToJsonString();
            await OkAsync(await client.PutAsync(new Uri($"/api/integration/{type}/snapshots/{snapshot}/pages/{i + 1}", UriKind.Relative),
                new StringContent(body, Encoding.UTF8, "application/json")));
        }
        await OkAsync(await client.PostAsync(new Uri($"/api/integration/{type}/snapshots/{snapshot}/end?pages={pages.Count}", UriKind.Relative), null));
    }
}
