namespace Portico.BrowserTests;

public sealed class AccountSwitchingJourney(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_customer_signs_in_switches_account_and_sees_only_that_accounts_people()
    {
        var app = fixture.App;
        var first = await app.CreateAccountAsync("Alpha Freight " + PorticoApp.Unique());
        var second = await app.CreateAccountAsync("Beta Builders " + PorticoApp.Unique());
        var person = await app.CreateUserAsync();
        var alphaColleague = await app.CreateUserAsync();
        var betaColleague = await app.CreateUserAsync();
        await app.AddMemberAsync(first, person, BuiltInRoles.Owner);
        await app.AddMemberAsync(second, person, BuiltInRoles.Requester);
        await app.AddMemberAsync(first, alphaColleague, BuiltInRoles.Viewer);
        await app.AddMemberAsync(second, betaColleague, BuiltInRoles.Viewer);

        await using var context = await fixture.NewContextAsync();
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
        var foreign = await app.CreateAccountAsync("Gamma Secret " + PorticoApp.Unique());
        var response = await page.GotoAsync($"/a/{foreign.Id}/contacts");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Gamma Secret");
    }
}
