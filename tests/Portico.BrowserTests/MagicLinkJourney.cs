namespace Portico.BrowserTests;

public sealed class MagicLinkJourney(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_customer_asks_for_a_sign_in_link_opens_it_in_the_same_browser_and_is_signed_in()
    {
        var app = fixture.App;
        var (account, person) = await app.CreateCustomerAsync(BuiltInRoles.Viewer);

        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByRole(AriaRole.Link, new() { Name = "Email me a sign-in link instead" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(person.Email!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a link" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("link-sent")).ToContainTextAsync("a sign-in link is on its way");

        var raw = await app.Mail.WaitForAsync(m => InvitationJourney.Parse(m).To.Mailboxes.Any(a => string.Equals(a.Address, person.Email, StringComparison.OrdinalIgnoreCase)));
        var email = InvitationJourney.Parse(raw);
        Assert.Contains("sign-in link", email.Subject, StringComparison.Ordinal);
        var link = (email.TextBody ?? "").Split(['\n', ' '], StringSplitOptions.RemoveEmptyEntries).Single(w => w.Contains("/login/link/", StringComparison.Ordinal)).Trim();

        await page.GotoAsync(new Uri(link).PathAndQuery);
        await page.WaitForURLAsync($"**/a/{account.Id}");
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(account.Name);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "magic-link-signed-in.png"), FullPage = true });

        // Opening it again shows why it no longer works.
        await using var other = await fixture.NewContextAsync();
        var otherPage = await other.NewPageAsync();
        var again = await otherPage.GotoAsync(new Uri(link).PathAndQuery);
        Assert.Equal(410, again!.Status);
        await Assertions.Expect(otherPage.GetByTestId("link-problem")).ToBeVisibleAsync();
    }
}
