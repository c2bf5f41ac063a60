using Microsoft.Playwright;
using Portico.Features.Accounts;
using Portico.Tests.Infrastructure;

namespace Portico.BrowserTests;

public sealed class ForgotPasswordJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task On_a_phone_a_customer_who_forgot_their_password_asks_for_a_link_and_chooses_a_new_one()
    {
        var (account, person) = await App.CreateCustomerAsync(BuiltInRoles.Viewer);

        await using var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Fixture.BaseUrl, ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await Assertions.Expect(page.GetByTestId("sign-in-brand")).ToContainTextAsync("Portico");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "phone-sign-in.png"), FullPage = true });
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot password?" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(person.Email!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a link" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("reset-sent")).ToContainTextAsync("If an account exists for that address");

        var email = await WaitForEmailAsync(person.Email!, m => (m.TextBody ?? "").Contains("/account/reset-password", StringComparison.Ordinal));
        var link = LinkIn(email, "/account/reset-password");

        await page.GotoAsync(new Uri(link).PathAndQuery);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("Short-1");
        await page.GetByLabel("New password again").FillAsync("Short-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set the new password" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-valmsg-for='Password.NewPassword']")).ToContainTextAsync("at least 12 characters");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "phone-reset-password.png"), FullPage = true });

        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("Brand-new-password-77");
        await page.GetByLabel("New password again").FillAsync("Brand-new-password-77");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set the new password" }).ClickAsync();
        await page.WaitForURLAsync($"**/a/{account.Id}");
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(account.Name);

        // The desktop look of the sign-in page, for a person to compare; not asserted.
        await using var desktop = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Fixture.BaseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var desktopPage = await desktop.NewPageAsync();
        await desktopPage.GotoAsync("/login");
        await desktopPage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "desktop-sign-in.png"), FullPage = true });
    }
}
