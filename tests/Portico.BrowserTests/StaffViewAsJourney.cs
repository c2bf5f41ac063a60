using Portico.Features.Billing;

namespace Portico.BrowserTests;

public sealed class StaffViewAsJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task An_agent_finds_an_account_by_invoice_number_views_it_as_its_owner_leaves_and_both_audit_logs_show_it()
    {
        var (account, owner) = await App.CreateCustomerAsync(BuiltInRoles.Owner, "Kestrel Marine " + PorticoApp.Unique());
        var agent = await App.CreateUserAsync(staffRole: StaffRole.Agent);
        var admin = await App.CreateUserAsync(staffRole: StaffRole.Admin);
        var integration = await App.CreateIntegrationAsync();
        var number = "KM-" + PorticoApp.Unique();
        await App.WithDbAsync(async (db, _) =>
        {
            var invoice = new Invoice(integration.Id, "EXT-" + PorticoApp.Unique());
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            invoice.Apply(account.Id, number, "EUR", today.AddDays(-20), today.AddDays(7), InvoiceStatus.Open, 125_00,
                [new InvoiceLine("Mooring", 1, 125_00, 125_00)], [], null, "journey", DateTime.UtcNow);
            db.Invoices.Add(invoice);
            return await db.SaveChangesAsync();
        });
        const string reason = "Customer says the dashboard shows no invoice due";

        await using (var context = await Fixture.NewContextAsync())
        {
            var page = await context.NewPageAsync();
            await SignInAsync(page, agent);
            await page.GotoAsync("/staff");
            // The header's search box, reached with its keyboard shortcut.
            await page.Keyboard.PressAsync("/");
            await page.Keyboard.TypeAsync(number);
            await page.Keyboard.PressAsync("Enter");
            var found = page.GetByTestId("search-accounts");
            await Assertions.Expect(found).ToContainTextAsync(account.Name);
            await Assertions.Expect(found).ToContainTextAsync(number);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "staff-search.png"), FullPage = true });
            await found.GetByRole(AriaRole.Link, new() { Name = account.Name }).ClickAsync();

            var viewAs = page.GetByTestId("view-as-customer");
            await viewAs.GetByLabel("Person").SelectOptionAsync(new SelectOptionValue { Value = owner.Id.ToString() });
            await viewAs.GetByLabel("Reason").FillAsync(reason);
            await viewAs.GetByRole(AriaRole.Button, new() { Name = "View as this person" }).ClickAsync();

            var banner = page.GetByTestId("customer-view-banner");
            await Assertions.Expect(banner).ToContainTextAsync(owner.DisplayName);
            await Assertions.Expect(banner).ToContainTextAsync("Read-only");
            // The Owner's dashboard: the invoice due is there, as the Owner sees it.
            await Assertions.Expect(page.GetByTestId("invoice-due")).ToContainTextAsync(number);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "view-as-customer.png"), FullPage = true });

            await banner.GetByRole(AriaRole.Button, new() { Name = "Leave" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("customer-view-banner")).ToHaveCountAsync(0);
            Assert.EndsWith($"/staff/accounts/{account.Id}", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        }

        await using (var context = await Fixture.NewContextAsync())
        {
            var page = await context.NewPageAsync();
            await SignInAsync(page, owner);
            await page.GotoAsync($"/a/{account.Id}/audit");
            var events = page.GetByTestId("audit-event");
            await Assertions.Expect(events.Filter(new() { HasText = "customer_view_started" })).ToContainTextAsync(reason);
            await Assertions.Expect(events.Filter(new() { HasText = "customer_view_ended" })).ToHaveCountAsync(1);
        }

        await using (var context = await Fixture.NewContextAsync())
        {
            var page = await context.NewPageAsync();
            await SignInAsync(page, admin);
            await page.GotoAsync("/staff/audit?action=staff.customer_view_started");
            await Assertions.Expect(page.GetByTestId("audit-event").Filter(new() { HasText = reason })).ToContainTextAsync(agent.Email!);
        }
    }
}
