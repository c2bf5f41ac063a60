namespace Portico.BrowserTests;

public static class Browsing
{
    /// Signs in through the login form with the test password and waits until the portal shows the person signed in.
    public static async Task SignInAsync(IPage page, PorticoUser user)
    {
        await TryPasswordAsync(page, user.Email!);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// Types the person's email and password on the sign-in page and submits them, whatever the answer.
    public static async Task TryPasswordAsync(IPage page, string email)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(PorticoApp.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
