using static Portico.Tests.Billing.InvoiceSteps;

namespace Portico.Tests.Billing;

public sealed class InvoicePagesTests(PorticoApp app) : AppTests
{
    /// An account with invoices in four currencies: open, overdue, due today, paid in part, overpaid, paid and void.
    private sealed record Ledger(Account Account, PorticoClient Client, string Prefix, Dictionary<string, Invoice> Invoices) : IDisposable
    {
        public void Dispose() => Client.Dispose();
    }

    private async Task<Ledger> LedgerAsync()
    {
        var integration = await app.CreateIntegrationAsync();
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var prefix = "INV-" + PorticoApp.Unique();
        var invoices = new Dictionary<string, Invoice>();
        async Task Add(string key, string currency, long total, int dueInDays, InvoiceStatus status = InvoiceStatus.Open, long paid = 0) =>
            invoices[key] = await app.AddInvoiceAsync(account, integration, $"{prefix}-{key}", currency, total, dueInDays, status, paid > 0 ? Paid(paid) : null);
        await Add("A", "EUR", 123_456, dueInDays: 10);
        await Add("B", "EUR", 10, dueInDays: -1);
        await Add("C", "EUR", 20, dueInDays: -30);
        await Add("D", "EUR", 50_000, dueInDays: -5, paid: 19_999);
        await Add("E", "EUR", 99_900, dueInDays: -40, InvoiceStatus.Paid, paid: 99_900);
        await Add("F", "EUR", 77_700, dueInDays: -40, InvoiceStatus.Void);
        await Add("G", "EUR", 10_000, dueInDays: -3, paid: 15_000);
        await Add("H", "USD", 1_999, dueInDays: -2);
        await Add("J", "JPY", 1_500, dueInDays: 5);
        await Add("K", "KWD", 1_005, dueInDays: -1);
        await Add("L", "EUR", 5, dueInDays: 0);
        // Another account's overdue invoice must not count here.
        await app.AddInvoiceAsync(await app.CreateAccountAsync(), integration, $"{prefix}-X", "EUR", 1_000_000, dueInDays: -10);
        return new Ledger(account, await app.SignInAsync(owner), prefix, invoices);
    }

    private static List<string> Numbers(IHtmlDocument page) =>
        page.QuerySelectorAll("[data-testid=invoice-row] a").Select(a => a.TextContent.Trim()).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Totals_due_and_overdue_are_exact_per_currency()
    {
        using var ledger = await LedgerAsync();

        var page = await ledger.Client.GetPageAsync($"/a/{ledger.Account.Id}/invoices");

        var totals = page.QuerySelectorAll("[data-testid=currency-total]").Select(t => (
            Heading: t.QuerySelector("h2")!.TextContent.Trim(),
            Due: t.QuerySelector("[data-testid=total-due]")!.TextContent.Trim(),
            Overdue: t.QuerySelector("[data-testid=total-overdue]")!.TextContent.Trim())).ToList();
        Assert.Equal(
        [
            // A 1,234.56 + B 0.10 + C 0.20 + D 500.00 − 199.99 + L 0.05; overdue only B, C and D. Paid, void and overpaid invoices owe nothing.
            ("Due in EUR", "EUR 1,534.92", "EUR 300.31 overdue"),
            ("Due in JPY", "JPY 1,500", "Nothing overdue"),
            ("Due in KWD", "KWD 1.005", "KWD 1.005 overdue"),
            ("Due in USD", "USD 19.99", "USD 19.99 overdue"),
        ], totals);
    }

    [Fact]
    public async Task Filters_by_status_and_number_return_the_right_invoices()
    {
        using var ledger = await LedgerAsync();
        var root = $"/a/{ledger.Account.Id}/invoices";
        List<string> Expect(params string[] keys) => keys.Select(k => $"{ledger.Prefix}-{k}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(Expect("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L"), Numbers(await ledger.Client.GetPageAsync(root)));
        Assert.Equal(Expect("B", "C", "D", "H", "K"), Numbers(await ledger.Client.GetPageAsync(root + "?status=overdue")));
        Assert.Equal(Expect("A", "B", "C", "D", "G", "H", "J", "K", "L"), Numbers(await ledger.Client.GetPageAsync(root + "?status=open")));
        Assert.Equal(Expect("E"), Numbers(await ledger.Client.GetPageAsync(root + "?status=paid")));
        Assert.Equal(Expect("F"), Numbers(await ledger.Client.GetPageAsync(root + "?status=void")));
        Assert.Equal(Expect("D"), Numbers(await ledger.Client.GetPageAsync(root + $"?q={ledger.Prefix}-D")));
        Assert.Equal(Expect("D"), Numbers(await ledger.Client.GetPageAsync(root + $"?q={ledger.Prefix}-D&status=overdue")));
        var none = await ledger.Client.GetPageAsync(root + $"?q={ledger.Prefix}-D&status=paid");
        Assert.Empty(Numbers(none));
        Assert.Contains("No invoices match these filters.", none.QuerySelector(".card.empty")!.TextContent, StringComparison.Ordinal);

        // The overdue ones say so in the list; totals stay those of the whole account whatever the filter.
        var overdue = await ledger.Client.GetPageAsync(root + "?status=overdue");
        Assert.All(overdue.QuerySelectorAll("[data-testid=invoice-row]"), r => Assert.Equal("Overdue", r.QuerySelector(".status")!.TextContent.Trim()));
        Assert.Equal("EUR 1,534.92", overdue.QuerySelector("[data-testid=total-due]")!.TextContent.Trim());
    }

    [Fact]
    public async Task The_detail_page_shows_lines_payments_and_what_is_still_due()
    {
        var integration = await app.CreateIntegrationAsync();
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var number = "INV-" + PorticoApp.Unique();
        var invoice = await app.AddInvoiceAsync(account, integration, number, "EUR", 125_000, dueInDays: -3,
            payments: [new InvoicePayment(Today.AddDays(-20), 20_000, "Bank transfer"), new InvoicePayment(Today.AddDays(-10), 5_000, null)],
            lines: [new InvoiceLine("Support plan", 1, 100_000, 100_000), new InvoiceLine("Consulting hours", 2.5m, 10_000, 25_000)],
            pdfUrl: "https://billing.example/invoices/" + number + ".pdf");
        using var client = await app.SignInAsync(owner);

        var page = await client.GetPageAsync($"/a/{account.Id}/invoices/{invoice.Id}");

        Assert.Equal($"Invoice {number}", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("Overdue", page.QuerySelector("[data-testid=invoice-status]")!.TextContent.Trim());
        Assert.Equal("EUR 1,000.00", page.QuerySelector("[data-testid=invoice-due]")!.TextContent.Trim());
        var lines = page.QuerySelectorAll("[data-testid=invoice-line]").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList()).ToList();
        Assert.Equal(
        [
            ["Support plan", "1", "EUR 1,000.00", "EUR 1,000.00"],
            ["Consulting hours", "2.5", "EUR 100.00", "EUR 250.00"],
        ], lines);
        Assert.Equal(
            [$"{Date(Today.AddDays(-20))}: EUR 200.00 (Bank transfer)", $"{Date(Today.AddDays(-10))}: EUR 50.00"],
            page.QuerySelectorAll("[data-testid=payment]").Select(p => p.TextContent.Trim()));
        Assert.NotNull(page.QuerySelector($"a[href='https://billing.example/invoices/{number}.pdf']"));
        Assert.Contains($"changes are made in {integration.Name}", page.QuerySelector("[data-testid=freshness]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_requester_without_invoice_access_gets_403()
    {
        var integration = await app.CreateIntegrationAsync();
        var (account, requester) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var invoice = await app.AddInvoiceAsync(account, integration, "INV-" + PorticoApp.Unique(), "EUR", 10_000, dueInDays: 5);
        using var client = await app.SignInAsync(requester);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(new Uri($"/a/{account.Id}/invoices", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(new Uri($"/a/{account.Id}/invoices/{invoice.Id}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_member_of_another_account_gets_404_for_an_invoice_of_the_first()
    {
        var integration = await app.CreateIntegrationAsync();
        var first = await app.CreateAccountAsync();
        var invoice = await app.AddInvoiceAsync(first, integration, "INV-" + PorticoApp.Unique(), "EUR", 10_000, dueInDays: -5);
        var (other, stranger, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);

        var throughOwnAccount = await client.Http.GetAsync(new Uri($"/a/{other.Id}/invoices/{invoice.Id}", UriKind.Relative));
        var throughFirstAccount = await client.Http.GetAsync(new Uri($"/a/{first.Id}/invoices/{invoice.Id}", UriKind.Relative));
        var ownList = await client.GetPageAsync($"/a/{other.Id}/invoices");

        Assert.Equal(HttpStatusCode.NotFound, throughOwnAccount.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, throughFirstAccount.StatusCode);
        Assert.Empty(Numbers(ownList));
        Assert.Equal("Nothing due", ownList.QuerySelector("[data-testid=total-due]")!.TextContent.Trim());
    }
}
