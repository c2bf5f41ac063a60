namespace Portico.Tests.Integrations;

/// A record deleted at the source keeps the version it was deleted at, so an older copy arriving later is stale
/// instead of bringing it back. Which integration owns an object type is global, so this class is in the app collection.
public sealed class DeletedRecordTests(PorticoApp app) : AppTests
{
    private const string Invoices = SyncedObjectTypes.Invoices;
    private const string Orders = SyncedObjectTypes.Orders;

    private static JsonObject DeleteOf(string externalId, long version) =>
        new() { ["externalId"] = externalId, ["deleted"] = true, ["version"] = version };

    /// An owner of invoices, and an invoice of an account it knows stored at the version.
    private async Task<(Integration Integration, HttpClient Client, Account Account, string Id)> StoredInvoiceAsync(string idPrefix, long version)
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        var id = NewExternalId(idPrefix);
        await OkAsync(await client.PutBatchAsync(Invoices, Versioned(InvoiceJson(id, account.ExternalId!), version)));
        return (integration, client, account, id);
    }

    [Fact]
    public async Task An_invoice_deleted_in_a_batch_is_not_brought_back_by_an_older_update_sent_later()
    {
        var (integration, client, account, id) = await StoredInvoiceAsync("T", version: 3);
        using var _ = client;

        var delete = await OkAsync(await client.PutBatchAsync(Invoices, DeleteOf(id, 4)));
        Assert.Equal(("deleted", 1), (delete.Outcome(0), delete.GetProperty("deleted").GetInt32()));
        Assert.Empty(await app.InvoicesOfAsync(integration.Id));

        var late = await OkAsync(await client.PutBatchAsync(Invoices, Versioned(InvoiceJson(id, account.ExternalId!, number: "INV-LATE"), 3)));
        Assert.Equal("stale", late.Outcome(0));
        Assert.Contains("deleted at the source at version 4", late.Result(0).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var sameVersion = await OkAsync(await client.PutBatchAsync(Invoices, Versioned(InvoiceJson(id, account.ExternalId!, number: "INV-SAME"), 4)));
        Assert.Equal("stale", sameVersion.Outcome(0));
        Assert.Empty(await app.InvoicesOfAsync(integration.Id));

        // Created again at the source: a newer version brings it back, and what was left of the deleted one goes.
        var again = await OkAsync(await client.PutBatchAsync(Invoices, Versioned(InvoiceJson(id, account.ExternalId!, number: "INV-AGAIN"), 5)));
        Assert.Equal("created", again.Outcome(0));
        Assert.Equal("INV-AGAIN", Assert.Single(await app.InvoicesOfAsync(integration.Id)).Number);
        Assert.False(await app.WithDbAsync((db, _) => db.DeletedRecords.AnyAsync(d => d.IntegrationId == integration.Id && d.ExternalId == id)));
    }

    [Fact]
    public async Task A_delete_that_arrives_before_the_create_keeps_the_create_out()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Orders);
        using var _ = client;
        var id = NewExternalId("R");

        var early = await OkAsync(await client.PutBatchAsync(Orders, DeleteOf(id, 2)));
        Assert.Equal("unchanged", early.Outcome(0));
        var create = await OkAsync(await client.PutBatchAsync(Orders, Versioned(OrderJson(id, account.ExternalId!), 1)));

        Assert.Equal("stale", create.Outcome(0));
        Assert.False(await app.WithDbAsync((db, _) => db.Orders.IgnoreQueryFilters().AnyAsync(o => o.IntegrationId == integration.Id && o.ExternalId == id)));
    }

    [Fact]
    public async Task A_delete_older_than_the_stored_record_keeps_it_and_is_reported_as_stale()
    {
        var (integration, client, _, id) = await StoredInvoiceAsync("K", version: 7);
        using var __ = client;

        var batch = await OkAsync(await client.PutBatchAsync(Invoices, DeleteOf(id, 6)));
        var byId = await client.DeleteAsync(new Uri($"/api/integration/invoices/{id}?version=5", UriKind.Relative));

        Assert.Equal(("stale", 0), (batch.Outcome(0), batch.GetProperty("deleted").GetInt32()));
        Assert.Equal(HttpStatusCode.Conflict, byId.StatusCode);
        Assert.Equal((long?)7, Assert.Single(await app.InvoicesOfAsync(integration.Id)).SourceVersion);
    }

    [Fact]
    public async Task A_delete_by_id_keeps_the_stored_version_so_a_resent_copy_of_it_stays_deleted()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var id = NewExternalId("D");
        var copy = Versioned(InvoiceJson(id, account.ExternalId!), 9);
        await OkAsync(await client.PutBatchAsync(Invoices, copy));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteRecordAsync(Invoices, id)).StatusCode);
        var resent = await OkAsync(await client.PutBatchAsync(Invoices, copy));

        Assert.Equal("stale", resent.Outcome(0));
        Assert.Empty(await app.InvoicesOfAsync(integration.Id));
    }

    [Fact]
    public async Task A_delete_by_id_with_a_malformed_version_is_refused_and_changes_nothing()
    {
        var (integration, client, _, id) = await StoredInvoiceAsync("M", version: 1);
        using var __ = client;

        var badVersion = await client.DeleteAsync(new Uri($"/api/integration/invoices/{id}?version=-1", UriKind.Relative));
        var noZone = await client.DeleteAsync(new Uri($"/api/integration/invoices/{id}?updatedAt=2026-11-30T10:00:00", UriKind.Relative));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (badVersion.StatusCode, noZone.StatusCode));
        Assert.Contains("time zone", await noZone.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await app.InvoicesOfAsync(integration.Id));
    }

    [Fact]
    public async Task A_record_a_snapshot_left_out_is_not_brought_back_by_an_older_copy_still_on_its_way()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        string kept = NewExternalId("S"), dropped = NewExternalId("S");
        var droppedCopy = Versioned(InvoiceJson(dropped, account.ExternalId!), 2);
        await OkAsync(await client.PutBatchAsync(Invoices, Versioned(InvoiceJson(kept, account.ExternalId!), 1), droppedCopy));

        var started = await OkCreatedAsync(await client.PostAsync(new Uri("/api/integration/invoices/snapshots", UriKind.Relative), null));
        var snapshot = started.GetProperty("snapshotId").GetGuid();
        var page = new JsonObject { ["records"] = new JsonArray(Versioned(InvoiceJson(kept, account.ExternalId!), 1)) }.ToJsonString();
        await OkAsync(await client.PutAsync(new Uri($"/api/integration/invoices/snapshots/{snapshot}/pages/1", UriKind.Relative), new StringContent(page, Encoding.UTF8, "application/json")));
        Assert.Equal(1, (await OkAsync(await client.PostAsync(new Uri($"/api/integration/invoices/snapshots/{snapshot}/end?pages=1", UriKind.Relative), null))).GetProperty("deleted").GetInt32());

        var late = await OkAsync(await client.PutBatchAsync(Invoices, droppedCopy));

        Assert.Equal("stale", late.Outcome(0));
        Assert.Equal(kept, Assert.Single(await app.InvoicesOfAsync(integration.Id)).ExternalId);
    }

    private static async Task<JsonElement> OkCreatedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
