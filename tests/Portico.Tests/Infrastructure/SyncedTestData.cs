namespace Portico.Tests.Infrastructure;

/// Invoices and orders as a system of record would have synced them.
public static class SyncedTestData
{
    public static Task<Integration> CreateIntegrationAsync(this PorticoApp app, int expectedSyncMinutes = 60) => app.WithDbAsync(async (db, _) =>
    {
        var integration = new Integration("Integration " + PorticoApp.Unique(), expectedSyncMinutes, DateTime.UtcNow);
        integration.Succeeded(0, DateTime.UtcNow);
        db.Integrations.Add(integration);
        await db.SaveChangesAsync();
        return integration;
    });

    public static Task<Invoice> CreateInvoiceAsync(this PorticoApp app, Account account, Integration integration, string? number = null,
        InvoiceStatus status = InvoiceStatus.Open, long totalMinor = 10_000, DateOnly? dueOn = null) => app.WithDbAsync(async (db, _) =>
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var invoice = new Invoice(integration.Id, "EXT-" + PorticoApp.Unique());
        invoice.Apply(account.Id, number ?? "INV-" + PorticoApp.Unique(), "EUR", today.AddDays(-10), dueOn ?? today.AddDays(20), status, totalMinor,
            [new InvoiceLine("Line for " + account.Name, 1, totalMinor, totalMinor)], [], null, "test", DateTime.UtcNow);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync();
        return invoice;
    });

    public static Task<Order> CreateOrderAsync(this PorticoApp app, Account account, Integration integration, string? title = null) => app.WithDbAsync(async (db, _) =>
    {
        var order = new Order(integration.Id, "EXT-" + PorticoApp.Unique());
        order.Apply(account.Id, "SO-" + PorticoApp.Unique()[..6], title ?? "Order for " + account.Name, "Order", "InProgress",
            [new Milestone("Delivery", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(5), null)], null, [], "test", DateTime.UtcNow);
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return order;
    });
}
