namespace Portico.BrowserTests;

public sealed class TwoFactorJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task A_customer_sets_up_an_authenticator_and_signs_in_with_password_and_code()
    {
        var (account, person) = await App.CreateCustomerAsync(BuiltInRoles.Owner);

        await using var context = await Fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInWithPasswordAsync(page, person.Email!);
        await page.WaitForURLAsync($"**/a/{account.Id}");

        await page.GetByRole(AriaRole.Link, new() { Name = "Security" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("two-factor-status")).ToContainTextAsync("is off");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up an authenticator app" }).ClickAsync();

        // The key as a person would copy it into their App, and the QR code the app would scan.
        var phone = new TestAuthenticator(await page.GetByTestId("authenticator-key").InnerTextAsync());
        var qr = page.GetByRole(AriaRole.Img, new() { Name = "QR code for adding this portal to your authenticator app" });
        await Assertions.Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "two-factor.png"), FullPage = true });

        await page.GetByLabel("Enter the 6-digit code the app now shows").FillAsync(await phone.NextCodeAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("recovery-code")).ToHaveCountAsync(10);
        await Assertions.Expect(page.GetByTestId("two-factor-status")).ToContainTextAsync("is on");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/login");

        await SignInWithPasswordAsync(page, person.Email!);
        await page.WaitForURLAsync("**/login/two-factor**");
        await page.GetByLabel("Code from your app").FillAsync(await phone.NextCodeAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and sign in" }).ClickAsync();

        await page.WaitForURLAsync($"**/a/{account.Id}");
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(account.Name);
    }

    private static async Task SignInWithPasswordAsync(IPage page, string email)
    {
        await Browsing.TryPasswordAsync(page, email);
    }
}
