using Portico.Tests.Orders;
using static Portico.Tests.Billing.InvoiceSteps;

namespace Portico.Tests.Billing;

/// The dashboard's invoices due and active orders, each shown only to roles that may see them.
public sealed class DashboardSyncedItemsTests(PorticoApp app) : AppTests
{
    private sealed record Setup(Account Account, string Prefix, Order Active, Order Done);

    private async Task<Setup> SetUpAsync()
    {
        var integration = await app.CreateIntegrationAsync();
        var account = await app.CreateAccountAsync();
        var prefix = "INV-" + PorticoApp.Unique();
        // Created out of due order on purpose: the dashboard sorts them.
        await app.AddInvoiceAsync(account, integration, $"{prefix}-SOON", "EUR", 4_200, dueInDays: 3);
        await app.AddInvoiceAsync(account, integration, $"{prefix}-LATE", "EUR", 1_234, dueInDays: -5);
        await app.AddInvoiceAsync(account, integration, $"{prefix}-LATER", "USD", 99_999, dueInDays: 30);
        await app.AddInvoiceAsync(account, integration, $"{prefix}-OLDEST", "USD", 50_000, dueInDays: -20, payments: Paid(10_000));
        await app.AddInvoiceAsync(account, integration, $"{prefix}-PAID", "EUR", 7_777, dueInDays: -10, InvoiceStatus.Paid, Paid(7_777));
        var reference = "SO-" + PorticoApp.Unique()[..6];
        var active = await app.AddOrderAsync(account, integration, reference + "-A", "InProgress", title: "Network upgrade",
            milestones: [new Milestone("Design", Today.AddDays(-10), Today.AddDays(-9)), new Milestone("Handover", Today.AddDays(20), null),
                         new Milestone("Installation", Today.AddDays(7), null)]);
        var done = await app.AddOrderAsync(account, integration, reference + "-D", "Completed", title: "Old laptops");
        return new Setup(account, prefix, active, done);
    }

    private async Task<IHtmlDocument> DashboardAsync(Setup setup, string role)
    {
        var user = await app.CreateUserAsync();
        await app.AddMemberAsync(setup.Account, user, role);
        using var client = await app.SignInAsync(user);
        return await client.GetPageAsync($"/a/{setup.Account.Id}");
    }

    private static List<string> InvoiceItems(IHtmlDocument page) =>
        page.QuerySelectorAll("[data-testid=invoice-due]").Select(li => string.Join(' ', li.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToList();

    [Fact]
    public async Task An_owner_sees_invoices_due_overdue_first_and_active_orders_with_their_next_milestone()
    {
        var setup = await SetUpAsync();

        var page = await DashboardAsync(setup, BuiltInRoles.Owner);

        var p = setup.Prefix;
        Assert.Equal(
        [
            $"Invoice {p}-OLDEST: USD 400.00 was due {Date(Today.AddDays(-20))} (overdue)",
            $"Invoice {p}-LATE: EUR 12.34 was due {Date(Today.AddDays(-5))} (overdue)",
            $"Invoice {p}-SOON: EUR 42.00 is due {Date(Today.AddDays(3))}",
        ], InvoiceItems(page));
        // Each line's due state as a badge, and the button that opens it.
        Assert.Equal(["Overdue by 20 days", "Overdue by 5 days", "Due in 3 days"],
            page.QuerySelectorAll("[data-testid=invoice-due] + .status").Select(b => b.TextContent.Trim()).ToList());
        Assert.Equal(["tone-danger", "tone-danger", "tone-waiting"],
            page.QuerySelectorAll("[data-testid=invoice-due] + .status").Select(b => b.ClassList[^1]!).ToList());
        Assert.Equal(3, page.QuerySelectorAll("[data-testid=needs-action] a.button").Count(b => b.TextContent.Trim() == "View invoice"));
        Assert.Equal("3", page.QuerySelector("[data-testid=action-count]")!.TextContent.Trim());

        var orders = page.QuerySelectorAll("[data-testid=active-orders] li")
            .Select(li => string.Join(' ', li.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Equal([$"{setup.Active.Reference} Network upgrade In progress 1 of 3 milestones done; next: Installation by {Date(Today.AddDays(7))}"], orders);
        var progress = page.QuerySelector("[data-testid=active-orders] progress")!;
        Assert.Equal(("1", "3"), (progress.GetAttribute("value"), progress.GetAttribute("max")));
        // What the role may do is help text, folded away below the work.
        Assert.NotNull(page.QuerySelector("details[data-testid=your-permissions] summary"));
        Assert.DoesNotContain(setup.Done.Reference, page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_requester_sees_active_orders_but_neither_invoices_nor_their_amounts()
    {
        var setup = await SetUpAsync();

        var page = await DashboardAsync(setup, BuiltInRoles.Requester);

        Assert.Empty(InvoiceItems(page));
        var text = page.Body!.TextContent;
        Assert.DoesNotContain(setup.Prefix, text, StringComparison.Ordinal);
        foreach (var amount in new[] { "USD 400.00", "EUR 12.34", "EUR 42.00", "12.34", "400.00" })
        {
            Assert.DoesNotContain(amount, text, StringComparison.Ordinal);
        }
        Assert.Empty(page.QuerySelectorAll($"a[href*='/invoices']"));
        Assert.Single(page.QuerySelectorAll("[data-testid=active-orders] li"));
    }

    [Fact]
    public async Task A_billing_member_sees_invoices_due_but_no_orders()
    {
        var setup = await SetUpAsync();

        var page = await DashboardAsync(setup, BuiltInRoles.Billing);

        Assert.Equal(3, InvoiceItems(page).Count);
        Assert.Null(page.QuerySelector("[data-testid=active-orders]"));
        Assert.DoesNotContain(setup.Active.Reference, page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.QuerySelectorAll($"a[href*='/orders']"));
    }
}
