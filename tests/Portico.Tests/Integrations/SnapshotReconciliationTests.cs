namespace Portico.Tests.Integrations;

/// Full snapshots sent in pages: applied only at the end marker, deleting exactly what they did not contain.
/// Which integration owns an object type is global, so every class here is in the app collection: they run one after another.
public sealed class SnapshotReconciliationTests(PorticoApp app) : AppTests
{
    private const string Invoices = SyncedObjectTypes.Invoices;
    private const string Orders = SyncedObjectTypes.Orders;

    private static async Task<Guid> StartAsync(HttpClient client, string objectType = Invoices)
    {
        var response = await client.PostAsync(new Uri($"/api/integration/{objectType}/snapshots", UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("snapshotId").GetGuid();
    }

    private static Task<HttpResponseMessage> PageAsync(HttpClient client, Guid snapshot, object page, string objectType = Invoices, params JsonNode[] records) =>
        client.PutAsync(new Uri($"/api/integration/{objectType}/snapshots/{snapshot}/pages/{page}", UriKind.Relative),
            new StringContent(new JsonObject { ["records"] = new JsonArray(records.Select(r => r.DeepClone()).ToArray()) }.ToJsonString(), Encoding.UTF8, "application/json"));

    private static Task<HttpResponseMessage> EndAsync(HttpClient client, Guid snapshot, object pages, string objectType = Invoices) =>
        client.PostAsync(new Uri($"/api/integration/{objectType}/snapshots/{snapshot}/end?pages={pages}", UriKind.Relative), null);

    private static async Task AssertStatusAsync(HttpStatusCode expected, HttpResponseMessage response, string? says = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        if (says is not null)
        {
            Assert.Contains(says, body, StringComparison.Ordinal);
        }
    }

    private Task<ReconciliationRun> RunAsync(Guid snapshot) =>
        app.WithDbAsync((db, _) => db.ReconciliationRuns.AsNoTracking().SingleAsync(r => r.Id == snapshot));

    [Fact]
    public async Task A_completed_snapshot_deletes_exactly_the_missing_invoices_and_shows_the_drift_on_the_health_page()
    {
        // Another integration's invoice, from when it owned invoices, is not this snapshot's to delete.
        var (other, otherClient, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var __ = otherClient;
        var foreign = NewExternalId("X");
        await OkAsync(await otherClient.PutBatchAsync(Invoices, InvoiceJson(foreign, account.ExternalId!)));
        var (integration, client) = await app.OwnerAsync(Invoices);
        using var _ = client;
        string kept = NewExternalId("A"), changed = NewExternalId("B"), newer = NewExternalId("N"), gone1 = NewExternalId("C"), gone2 = NewExternalId("D"), added = NewExternalId("E");
        var keptJson = InvoiceJson(kept, account.ExternalId!, number: "INV-A");
        var newerJson = InvoiceJson(newer, account.ExternalId!, number: "INV-N");
        newerJson["version"] = 5;
        await OkAsync(await client.PutBatchAsync(Invoices, keptJson, InvoiceJson(changed, account.ExternalId!, number: "INV-B", total: 10m), newerJson,
            InvoiceJson(gone1, account.ExternalId!), InvoiceJson(gone2, account.ExternalId!)));
        var olderCopy = (JsonObject)newerJson.DeepClone();
        olderCopy["version"] = 4;
        olderCopy["number"] = "INV-N-OLD";

        var snapshot = await StartAsync(client);
        await AssertStatusAsync(HttpStatusCode.OK, await PageAsync(client, snapshot, 1, Invoices, keptJson, InvoiceJson(changed, account.ExternalId!, number: "INV-B", total: 20m)));
        await AssertStatusAsync(HttpStatusCode.OK, await PageAsync(client, snapshot, 2, Invoices, olderCopy, InvoiceJson(added, account.ExternalId!, number: "INV-E")));
        var drift = await OkAsync(await EndAsync(client, snapshot, 2));

        Assert.Equal((1, 1, 2, 1, 1, 0),
            (drift.GetProperty("created").GetInt32(), drift.GetProperty("changed").GetInt32(), drift.GetProperty("deleted").GetInt32(),
             drift.GetProperty("unchanged").GetInt32(), drift.GetProperty("stale").GetInt32(), drift.GetProperty("failed").GetInt32()));
        var stale = Assert.Single(drift.GetProperty("problems").EnumerateArray());
        Assert.Equal((2, newer, "stale"), (stale.GetProperty("page").GetInt32(), stale.GetProperty("externalId").GetString(), stale.GetProperty("outcome").GetString()));
        var left = await app.InvoicesOfAsync(integration.Id);
        Assert.Equal(new[] { kept, changed, newer, added }.Order(StringComparer.Ordinal), left.Select(i => i.ExternalId));
        Assert.Equal(2000L, left.Single(i => i.ExternalId == changed).TotalMinor);
        Assert.Equal("INV-N", left.Single(i => i.ExternalId == newer).Number);
        Assert.Equal(foreign, Assert.Single(await app.InvoicesOfAsync(other.Id)).ExternalId);
        var run = await RunAsync(snapshot);
        Assert.Equal((ReconciliationState.Completed, 2, 4, 1, 1, 2, 1), (run.State, run.Pages, run.Records, run.Created, run.Changed, run.Deleted, run.Unchanged));
        Assert.False(await app.WithDbAsync((db, _) => db.SnapshotPages.AnyAsync(p => p.RunId == snapshot)));

        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var browser = await app.SignInAsync(admin);
        var page = await PorticoClient.ParseAsync(await browser.Http.GetAsync(new Uri("/staff/integrations", UriKind.Relative)));
        var card = page.QuerySelectorAll("[data-testid=integration]").Single(c => c.QuerySelector("h3")!.TextContent.Contains(integration.Name, StringComparison.Ordinal));
        var row = Assert.Single(card.QuerySelectorAll("[data-testid=reconciliation]"));
        Assert.Equal(["invoices", "Complete", "4", "1", "1", "2", "1", "1 stale, 0 refused"], row.QuerySelectorAll("td").Skip(1).Select(td => td.TextContent.Trim()));
    }

    [Fact]
    public async Task A_snapshot_that_never_completes_changes_nothing_and_cannot_be_ended_once_abandoned()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var existing = NewExternalId("A");
        await OkAsync(await client.PutBatchAsync(Invoices, InvoiceJson(existing, account.ExternalId!, total: 10m)));
        var before = await app.InvoicesOfAsync(integration.Id);

        var snapshot = await StartAsync(client);
        await AssertStatusAsync(HttpStatusCode.OK, await PageAsync(client, snapshot, 1, Invoices,
            InvoiceJson(existing, account.ExternalId!, total: 99m), InvoiceJson(NewExternalId("B"), account.ExternalId!)));

        var after = await app.InvoicesOfAsync(integration.Id);
        Assert.Equal(before.Select(i => (i.ExternalId, i.TotalMinor, i.UpdatedAt)), after.Select(i => (i.ExternalId, i.TotalMinor, i.UpdatedAt)));

        // Quiet for longer than the documented time: abandoned, and the end marker applies nothing.
        await app.WithDbAsync(db => db.ReconciliationRuns.Where(r => r.Id == snapshot)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LastActivityAt, DateTime.UtcNow - ReconciliationRun.AbandonAfter - TimeSpan.FromMinutes(1))));
        await AssertStatusAsync(HttpStatusCode.Conflict, await EndAsync(client, snapshot, 1), "abandoned");
        Assert.Equal(before.Select(i => (i.ExternalId, i.TotalMinor, i.UpdatedAt)), (await app.InvoicesOfAsync(integration.Id)).Select(i => (i.ExternalId, i.TotalMinor, i.UpdatedAt)));

        // A newer snapshot replaces an unfinished one, whose pages are dropped.
        var first = await StartAsync(client);
        await AssertStatusAsync(HttpStatusCode.OK, await PageAsync(client, first, 1, Invoices, InvoiceJson(existing, account.ExternalId!, total: 10m)));
        var second = await StartAsync(client);
        await AssertStatusAsync(HttpStatusCode.Conflict, await EndAsync(client, first, 1), "abandoned");
        Assert.Equal(ReconciliationState.Abandoned, (await RunAsync(first)).State);
        Assert.False(await app.WithDbAsync((db, _) => db.SnapshotPages.AnyAsync(p => p.RunId == first)));
        Assert.Equal(ReconciliationState.Open, (await RunAsync(second)).State);
        Assert.Single(await app.InvoicesOfAsync(integration.Id));
    }

    [Fact]
    public async Task Pages_out_of_order_repeated_or_miscounted_are_refused_and_change_nothing()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var snapshot = await StartAsync(client);
        var record = InvoiceJson(NewExternalId("P"), account.ExternalId!);

        await AssertStatusAsync(HttpStatusCode.Conflict, await PageAsync(client, snapshot, 2, Invoices, record), "send page 1 next");
        await AssertStatusAsync(HttpStatusCode.BadRequest, await PageAsync(client, snapshot, 0, Invoices, record), "from 1");
        await AssertStatusAsync(HttpStatusCode.BadRequest, await PageAsync(client, snapshot, "one", Invoices, record), "from 1");
        await AssertStatusAsync(HttpStatusCode.OK, await PageAsync(client, snapshot, 1, Invoices, record));
        await AssertStatusAsync(HttpStatusCode.Conflict, await PageAsync(client, snapshot, 1, Invoices, record), "already received");
        var notABatch = await client.PutAsync(new Uri($"/api/integration/invoices/snapshots/{snapshot}/pages/2", UriKind.Relative),
            new StringContent("{\"rows\": []}", Encoding.UTF8, "application/json"));
        await AssertStatusAsync(HttpStatusCode.BadRequest, notABatch);
        await AssertStatusAsync(HttpStatusCode.Conflict, await EndAsync(client, snapshot, 2), "1 were received");
        await AssertStatusAsync(HttpStatusCode.BadRequest, await EndAsync(client, snapshot, "all"), "?pages=N");

        Assert.Empty(await app.InvoicesOfAsync(integration.Id));
        Assert.Equal((1, 1, ReconciliationState.Open), await RunAsync(snapshot) is var run ? (run.Pages, run.Records, run.State) : default);

        var drift = await OkAsync(await EndAsync(client, snapshot, 1));
        Assert.Equal(1, drift.GetProperty("created").GetInt32());
        await AssertStatusAsync(HttpStatusCode.Conflict, await EndAsync(client, snapshot, 1), "already complete");
        await AssertStatusAsync(HttpStatusCode.Conflict, await PageAsync(client, snapshot, 2, Invoices, record), "already complete");
    }

    [Fact]
    public async Task Another_integrations_key_cannot_touch_a_snapshot_through_any_route_value()
    {
        var (owner, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var (intruder, intruderClient) = await app.OwnerAsync(Orders);
        using var __ = intruderClient;
        var snapshot = await StartAsync(client);
        var invoice = InvoiceJson(NewExternalId("I"), account.ExternalId!);
        var order = OrderJson(NewExternalId("O"), account.ExternalId!);

        // The type it does not own: refused before the snapshot is looked at.
        await AssertStatusAsync(HttpStatusCode.Forbidden, await PageAsync(intruderClient, snapshot, 1, Invoices, invoice));
        await AssertStatusAsync(HttpStatusCode.Forbidden, await EndAsync(intruderClient, snapshot, 1));
        // The type it owns, with the other integration's snapshot id: not found.
        await AssertStatusAsync(HttpStatusCode.NotFound, await PageAsync(intruderClient, snapshot, 1, Orders, order));
        await AssertStatusAsync(HttpStatusCode.NotFound, await EndAsync(intruderClient, snapshot, 1, Orders));
        await AssertStatusAsync(HttpStatusCode.NotFound, await PageAsync(intruderClient, Guid.NewGuid(), 1, Orders, order));
        // Even once it owns invoices, the snapshot stays the integration's that started it.
        await app.SetOwnerAsync(Invoices, intruder.Id);
        await AssertStatusAsync(HttpStatusCode.NotFound, await PageAsync(intruderClient, snapshot, 1, Invoices, invoice));
        await AssertStatusAsync(HttpStatusCode.NotFound, await EndAsync(intruderClient, snapshot, 1));
        // Its own snapshot of orders cannot be fed through the invoices route or ended there.
        var ordersSnapshot = await StartAsync(intruderClient, Orders);
        await AssertStatusAsync(HttpStatusCode.NotFound, await PageAsync(intruderClient, ordersSnapshot, 1, Invoices, invoice));
        // Accounts are never reconciled by snapshot.
        await app.SetOwnerAsync(SyncedObjectTypes.Accounts, intruder.Id);
        await AssertStatusAsync(HttpStatusCode.BadRequest,
            await intruderClient.PostAsync(new Uri("/api/integration/accounts/snapshots", UriKind.Relative), null), "never removed");

        var run = await RunAsync(snapshot);
        Assert.Equal((owner.Id, 0, ReconciliationState.Open), (run.IntegrationId, run.Pages, run.State));
        Assert.Equal(0, (await RunAsync(ordersSnapshot)).Pages);
        Assert.Empty(await app.InvoicesOfAsync(intruder.Id));
    }
}
