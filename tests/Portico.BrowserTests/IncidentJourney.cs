using Portico.Features.Integrations;

namespace Portico.BrowserTests;

public sealed class IncidentJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task A_staff_admin_on_a_phone_maps_an_unknown_account_and_the_held_invoice_lands_there()
    {
        var account = await App.CreateAccountAsync("Harbour Logistics with a rather long trading name " + PorticoApp.Unique());
        var admin = await App.CreateUserAsync(staffRole: StaffRole.Admin);
        var externalId = "INV-" + PorticoApp.Unique();
        var externalAccountId = "CRM-" + PorticoApp.Unique();
        // The billing system sent an invoice for an account the portal does not know.
        await App.WithDbAsync(async (db, services) =>
        {
            var integration = new Integration("Billing " + PorticoApp.Unique(), 60, DateTime.UtcNow);
            db.Integrations.Add(integration);
            db.SystemsOfRecord.RemoveRange(db.SystemsOfRecord.Where(s => s.ObjectType == SyncedObjectTypes.Invoices));
            db.SystemsOfRecord.Add(new SystemOfRecord(SyncedObjectTypes.Invoices, integration.Id));
            await db.SaveChangesAsync();
            var record = new InvoiceRecord(externalId, externalAccountId, "2026-0042", "EUR", new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 1), "open", 80m,
                [new InvoiceLineRecord("Storage", 1, 80m, 80m)], [], null);
            return await services.GetRequiredService<IntegrationSync>().InvoicesAsync(integration.Id, false, [(0, record, null)], default);
        });

        await using var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Fixture.BaseUrl, ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        });
        var page = await context.NewPageAsync();
        await Browsing.TryPasswordAsync(page, admin.Email!);
        await page.GotoAsync("/staff/integrations");

        // Nothing wider than the phone: tables scroll inside their own box.
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The page is wider than 390 px: " + await page.EvaluateAsync<string>(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth && !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 15).join(' | ')"));
        await page.GetByLabel($"Select invoices {externalId}").CheckAsync();
        await page.GetByLabel("Map their external account to").SelectOptionAsync(account.Id.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Map and apply" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 incident resolved");
        await Assertions.Expect(page.GetByTestId("resolved-incident").Filter(new() { HasText = externalId })).ToContainTextAsync("Mapped");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The page is wider than 390 px.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "incidents.png"), FullPage = true });
        Assert.Equal(account.Id, await App.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().Where(i => i.ExternalId == externalId).Select(i => i.AccountId).SingleAsync()));
    }
}
