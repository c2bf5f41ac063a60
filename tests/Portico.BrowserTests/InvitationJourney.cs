namespace Portico.BrowserTests;

public sealed class InvitationJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task An_owner_invites_a_colleague_who_opens_the_link_elsewhere_sets_a_password_and_lands_on_the_account()
    {
        var (account, owner) = await App.CreateCustomerAsync(BuiltInRoles.Owner, "Epsilon Works " + PorticoApp.Unique());
        var colleague = $"colleague-{PorticoApp.Unique()}@example.com";

        await using var ownerContext = await Fixture.NewContextAsync();
        var page = await ownerContext.NewPageAsync();
        await Browsing.TryPasswordAsync(page, owner.Email!);
        await page.WaitForURLAsync($"**/a/{account.Id}");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Contacts" }).ClickAsync();
        var invite = page.GetByRole(AriaRole.Region, new() { Name = "Invite someone" });
        await invite.GetByLabel("Email").FillAsync(colleague);
        await invite.GetByLabel("Role").SelectOptionAsync(new SelectOptionValue { Label = BuiltInRoles.Requester });
        await invite.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Invitation sent to {colleague}");
        await Assertions.Expect(page.GetByTestId("invitation").Filter(new() { HasText = colleague })).ToHaveCountAsync(1);

        var email = await WaitForEmailAsync(colleague);
        Assert.Contains(account.Name, email.Subject, StringComparison.Ordinal);
        var link = LinkIn(email, "/invitations/");
        var path = new Uri(link).PathAndQuery;

        // The colleague's own browser: nothing shared with the owner's.
        await using var colleagueContext = await Fixture.NewContextAsync();
        var newcomer = await colleagueContext.NewPageAsync();
        await newcomer.GotoAsync(path);
        await Assertions.Expect(newcomer.GetByRole(AriaRole.Heading, new() { Name = "Join " + account.Name })).ToBeVisibleAsync();
        await newcomer.GetByLabel("Your name").FillAsync("Casey Colleague");
        await newcomer.GetByLabel("Choose a password").FillAsync("A-colleague-password-1");
        await newcomer.GetByLabel("Repeat the password").FillAsync("A-colleague-password-1");
        await newcomer.GetByRole(AriaRole.Button, new() { Name = "Create my sign-in and join" }).ClickAsync();

        await newcomer.WaitForURLAsync($"**/a/{account.Id}");
        await Assertions.Expect(newcomer.GetByRole(AriaRole.Heading, new() { Name = account.Name, Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(newcomer.GetByTestId("active-account")).ToContainTextAsync(BuiltInRoles.Requester);
        await Assertions.Expect(newcomer.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await newcomer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "invitation-accepted.png"), FullPage = true });

        // The owner sees the colleague among the account's people.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("contact").Filter(new() { HasText = colleague })).ToContainTextAsync(BuiltInRoles.Requester);

        // The link worked once.
        await using var laterContext = await Fixture.NewContextAsync();
        var later = await laterContext.NewPageAsync();
        var reuse = await later.GotoAsync(path);
        Assert.Equal(410, reuse!.Status);
        await Assertions.Expect(later.GetByTestId("invitation-problem")).ToContainTextAsync("already used");
    }
}
