namespace Portico.Tests.Billing;

/// Invoices in any currency, with payments, as the billing system would have synced them.
internal static class InvoiceSteps
{
    public static Task<Invoice> AddInvoiceAsync(this PorticoApp app, Account account, Integration integration, string number, string currency, long totalMinor,
        int dueInDays, InvoiceStatus status = InvoiceStatus.Open, IEnumerable<InvoicePayment>? payments = null, IEnumerable<InvoiceLine>? lines = null,
        string? pdfUrl = null) => app.WithDbAsync(async (db, _) =>
    {
        var invoice = new Invoice(integration.Id, "EXT-" + PorticoApp.Unique());
        invoice.Apply(account.Id, number, currency, Today.AddDays(Math.Min(dueInDays, 0) - 30), Today.AddDays(dueInDays), status, totalMinor,
            lines?.ToList() ?? [new InvoiceLine("Services", 1, totalMinor, totalMinor)], payments?.ToList() ?? [], pdfUrl, "test", DateTime.UtcNow);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync();
        return invoice;
    });

    /// The same invoice paid in part: one payment of paidMinor today.
    public static InvoicePayment[] Paid(long paidMinor) => [new InvoicePayment(Today, paidMinor, "Bank transfer")];
}
