namespace Portico.BrowserTests;

public sealed class AccountSwitchingJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task A_customer_signs_in_switches_account_and_sees_only_that_accounts_people()
    {
        var first = await App.CreateAccountAsync("Alpha Freight " + PorticoApp.Unique());
        var second = await App.CreateAccountAsync("Beta Builders " + PorticoApp.Unique());
        var person = await App.CreateMemberAsync(first, BuiltInRoles.Owner);
        var alphaColleague = await App.CreateMemberAsync(first, BuiltInRoles.Viewer);
        var betaColleague = await App.CreateMemberAsync(second, BuiltInRoles.Viewer);
        await App.AddMemberAsync(second, person, BuiltInRoles.Requester);

        await using var context = await Fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        await Browsing.TryPasswordAsync(page, person.Email!);

        // Two accounts: the start page lets the person choose.
        await page.GetByRole(AriaRole.Link, new() { Name = first.Name }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(first.Name);
        await page.GetByRole(AriaRole.Link, new() { Name = "Contacts" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("contact").Filter(new() { HasText = alphaColleague.Email! })).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("contact").Filter(new() { HasText = betaColleague.Email! })).ToHaveCountAsync(0);

        // Choosing an account switches only once the person presses Switch.
        await page.GetByLabel("Account").SelectOptionAsync(second.Id.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch", Exact = true }).ClickAsync();
        await page.WaitForURLAsync($"**/a/{second.Id}");
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(second.Name);
        await page.GetByRole(AriaRole.Link, new() { Name = "Contacts" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("contact").Filter(new() { HasText = betaColleague.Email! })).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("contact").Filter(new() { HasText = alphaColleague.Email! })).ToHaveCountAsync(0);
        // The switcher still offers the first account; the page content must not show it.
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync(first.Name);

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "account-switching.png"), FullPage = true });

        // A forged address shows the not-found page, not the other account.
        var foreign = await App.CreateAccountAsync("Gamma Secret " + PorticoApp.Unique());
        var response = await page.GotoAsync($"/a/{foreign.Id}/contacts");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Gamma Secret");
    }
}
