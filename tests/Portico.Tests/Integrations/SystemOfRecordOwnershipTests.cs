namespace Portico.Tests.Integrations;

/// Only the integration that is the system of record for an object type writes and deletes its records.
/// Which integration owns an object type is global, so every class here is in the app collection: they run one after another.
public sealed class SystemOfRecordOwnershipTests(PorticoApp app) : AppTests
{
    private const string Invoices = SyncedObjectTypes.Invoices;
    private const string Orders = SyncedObjectTypes.Orders;

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
        Assert.Equal(0, (await app.ReloadAsync(intruder.Id)).RecordsSynced);
        Assert.False(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Id > auditBefore && e.TargetId == intruder.Id.ToString())));

        // The refusal is about ownership, not the record: the owner's key writes the same batch.
        var (_, ownerSecret) = await app.CreateKeyAsync(owner);
        using var ownerClient = app.ApiClient(ownerSecret);
        AssertCounts(await OkAsync(await ownerClient.PutBatchAsync(Invoices, InvoiceJson(externalId, account.ExternalId!))), created: 1, updated: 0, unchanged: 0, failed: 0);
    }

    [Fact]
    public async Task Invoices_are_deleted_by_external_id_with_204_then_404_and_only_the_owners_own()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var id = NewExternalId();
        AssertCounts(await OkAsync(await client.PutBatchAsync(Invoices, InvoiceJson(id, account.ExternalId!))), created: 1, updated: 0, unchanged: 0, failed: 0);
        // Same external id, written by another source earlier: not this integration's to delete.
        var foreign = await app.CreateInvoiceAsync(account, await app.CreateIntegrationAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteRecordAsync(Invoices, id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteRecordAsync(Invoices, id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteRecordAsync(Invoices, foreign.ExternalId)).StatusCode);
        Assert.Empty(await app.InvoicesOfAsync(integration.Id));
        Assert.True(await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AnyAsync(i => i.Id == foreign.Id)));
    }
}
