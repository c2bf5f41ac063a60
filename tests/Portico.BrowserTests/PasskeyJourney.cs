using Microsoft.AspNetCore.Identity;
using Portico.Features.Audit;

namespace Portico.BrowserTests;

public sealed class PasskeyJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task A_customer_adds_a_passkey_and_signs_in_with_it_without_a_code()
    {
        var (account, person) = await App.CreateCustomerAsync(BuiltInRoles.Owner);

        // Browsers refuse passkeys for a bare IP address, so the portal is reached as localhost.
        await using var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Fixture.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) });
        var page = await context.NewPageAsync();
        // Chromium's virtual authenticator stands in for a phone or laptop that holds passkeys.
        var devtools = await context.NewCDPSessionAsync(page);
        await devtools.SendAsync("WebAuthn.enable");
        await devtools.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });

        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(person.Email!);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(PorticoApp.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync($"**/a/{account.Id}");

        await page.GetByRole(AriaRole.Link, new() { Name = "Security" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("no-passkeys")).ToBeVisibleAsync();
        await page.GetByLabel("Name for the passkey").FillAsync("Test laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your passkey is ready");
        await Assertions.Expect(page.GetByTestId("passkey-name")).ToHaveTextAsync("Test laptop");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "passkeys.png"), FullPage = true });

        // With two-factor sign-in on, a password alone would now lead to the code step.
        await App.WithDbAsync(async (_, services) =>
        {
            var users = services.GetRequiredService<UserManager<PorticoUser>>();
            var stored = (await users.FindByIdAsync(person.Id.ToString()))!;
            await users.ResetAuthenticatorKeyAsync(stored);
            Assert.True((await users.SetTwoFactorEnabledAsync(stored, true)).Succeeded);
            return 0;
        });

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey instead" }).ClickAsync();

        await page.WaitForURLAsync($"**/a/{account.Id}");
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(account.Name);
        var actions = await App.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.TargetId == person.Id.ToString()).Select(e => e.Action).ToListAsync());
        Assert.Contains(AuditActions.PasskeyAdded, actions);
        Assert.Contains(AuditActions.PasskeyUsed, actions);
        await App.Mail.WaitForAsync(m => m.Contains(person.Email!, StringComparison.Ordinal) && m.Contains("A passkey was added", StringComparison.Ordinal));
    }
}
