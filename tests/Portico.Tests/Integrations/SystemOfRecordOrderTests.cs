namespace Portico.Tests.Integrations;

/// Orders synced and deleted by their external id.
/// Which integration owns an object type is global, so every class here is in the app collection: they run one after another.
public sealed class SystemOfRecordOrderTests(PorticoApp app) : AppTests
{
    private const string Orders = SyncedObjectTypes.Orders;

    [Fact]
    public async Task Orders_are_upserted_by_external_id_and_deleted_with_204_then_404()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Orders);
        using var _ = client;
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
}
