namespace Portico.BrowserTests;

public sealed class MagicLinkJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task A_customer_asks_for_a_sign_in_link_opens_it_in_the_same_browser_and_is_signed_in()
    {
        var (account, person) = await App.CreateCustomerAsync(BuiltInRoles.Viewer);

        await using var context = await Fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByRole(AriaRole.Link, new() { Name = "Email me a sign-in link instead" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(person.Email!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a link" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("link-sent")).ToContainTextAsync("a sign-in link is on its way");

        var email = await WaitForEmailAsync(person.Email!);
        Assert.Contains("sign-in link", email.Subject, StringComparison.Ordinal);
        var link = LinkIn(email, "/login/link/");

        await page.GotoAsync(new Uri(link).PathAndQuery);
        await page.WaitForURLAsync($"**/a/{account.Id}");
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(account.Name);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "magic-link-signed-in.png"), FullPage = true });

        // Opening it again shows why it no longer works.
        await using var other = await Fixture.NewContextAsync();
        var otherPage = await other.NewPageAsync();
        var again = await otherPage.GotoAsync(new Uri(link).PathAndQuery);
        Assert.Equal(410, again!.Status);
        await Assertions.Expect(otherPage.GetByTestId("link-problem")).ToBeVisibleAsync();
    }
}
