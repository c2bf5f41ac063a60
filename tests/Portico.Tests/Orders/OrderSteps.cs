namespace Portico.Tests.Orders;

/// Orders and projects as the ERP would have synced them.
internal static class OrderSteps
{
    public static Task<Order> AddOrderAsync(this PorticoApp app, Account account, Integration integration, string reference, string status,
        string kind = "Order", string? title = null, IEnumerable<Milestone>? milestones = null, Tracking? tracking = null,
        IEnumerable<OrderEvent>? timeline = null) => app.WithDbAsync(async (db, _) =>
    {
        var order = new Order(integration.Id, "EXT-" + PorticoApp.Unique());
        order.Apply(account.Id, reference, title ?? "Title of " + reference, kind, status, milestones?.ToList() ?? [], tracking, timeline?.ToList() ?? [],
            "test", DateTime.UtcNow);
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return order;
    });
}
