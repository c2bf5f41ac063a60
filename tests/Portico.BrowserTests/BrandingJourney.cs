using Microsoft.Playwright;
using Portico.Features.Identity;
using Portico.Tests.Infrastructure;
using static Portico.BrowserTests.Browsing;

namespace Portico.BrowserTests;

public sealed class BrandingJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task On_a_phone_an_admin_previews_the_brand_as_they_type_is_told_a_colour_is_too_light_and_saves_it_for_the_sign_in_page()
    {
        var admin = await App.CreateUserAsync(staffRole: StaffRole.Admin);
        await using var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Fixture.BaseUrl });
        var page = await context.NewPageAsync();
        await SignInAsync(page, admin);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/staff/branding");

        var preview = page.GetByTestId("brand-preview");
        var name = $"Acme {PorticoApp.Unique()}";
        await page.GetByLabel("Portal name").FillAsync(name);
        await Assertions.Expect(preview).ToContainTextAsync(name);
        await page.GetByLabel("Primary colour").FillAsync("#14532d");
        await Assertions.Expect(preview.Locator(".brand-preview-bar")).ToHaveCSSAsync("background-color", "rgb(20, 83, 45)");
        await Assertions.Expect(page.Locator("[data-contrast-for=brand-primary]")).ToContainTextAsync("Contrast with white: 9.");
        await page.GetByLabel("Accent colour").FillAsync("#ffcc00");
        await Assertions.Expect(page.Locator("[data-contrast-for=brand-accent]")).ToContainTextAsync("(needs 4.5:1)");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "phone-branding.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Save the brand" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("contrast ratio of 1.5");
        await page.GetByLabel("Accent colour").FillAsync("#6b21a8");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the brand" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The brand was saved.");

        await using var visitor = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Fixture.BaseUrl });
        var signIn = await visitor.NewPageAsync();
        await signIn.GotoAsync("/login");
        await Assertions.Expect(signIn.GetByTestId("sign-in-brand")).ToContainTextAsync(name);
        await Assertions.Expect(signIn.Locator(".card.sign-in")).ToHaveCSSAsync("border-top-color", "rgb(20, 83, 45)");
    }
}
