namespace Portico.BrowserTests;

public sealed class ApprovalJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task An_owner_asks_for_a_new_address_and_another_owner_approves_it_with_a_reason()
    {
        var (account, asker) = await App.CreateCustomerAsync(BuiltInRoles.Owner);
        var approver = await App.CreateMemberAsync(account, BuiltInRoles.Owner);
        var street = "8 Harbour Road " + PorticoApp.Unique();

        await using (var askerContext = await Fixture.NewContextAsync())
        {
            var page = await askerContext.NewPageAsync();
            await SignInAsync(page, asker);
            await page.GetByRole(AriaRole.Link, new() { Name = "Company" }).ClickAsync();
            await page.GetByLabel("Street address").FillAsync(street);
            await page.GetByLabel("Postal code").FillAsync("BS1 4RN");
            await page.GetByLabel("City").FillAsync("Bristol");
            await page.GetByLabel("Country").FillAsync("United Kingdom");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save address" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("needs approval");
            await Assertions.Expect(page.GetByTestId("pending-address")).ToContainTextAsync(street);
        }

        await using var context = await Fixture.NewContextAsync();
        var approverPage = await context.NewPageAsync();
        await SignInAsync(approverPage, approver);
        await approverPage.GetByTestId("approvals-waiting").GetByRole(AriaRole.Link).ClickAsync();
        var item = approverPage.GetByTestId("pending-change").Filter(new() { HasText = street });
        await item.GetByLabel("Reason for your decision").FillAsync("We moved in October.");
        await item.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(approverPage.GetByRole(AriaRole.Status)).ToContainTextAsync("Approved and applied.");
        await Assertions.Expect(approverPage.GetByTestId("decided-change").Filter(new() { HasText = street })).ToContainTextAsync("We moved in October.");
        await approverPage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "approvals.png"), FullPage = true });

        await approverPage.GetByRole(AriaRole.Link, new() { Name = "Company" }).ClickAsync();
        await Assertions.Expect(approverPage.GetByTestId("company-address")).ToContainTextAsync(street);
        Assert.Equal(street, await App.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.AddressLines!).SingleAsync()));
    }
}
