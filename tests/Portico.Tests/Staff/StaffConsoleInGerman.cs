namespace Portico.Tests.Staff;

/// Reading a staff console page as a staff Admin whose browser asks for German, and in English without the header.
public static class StaffConsoleInGerman
{
    public static async Task<PorticoClient> SignedInAdminAsync(this PorticoApp app) =>
        await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));

    /// A new staff Admin reads the console page at url in German and in English.
    public static async Task AssertAdminReadsInGermanAsync(this PorticoApp app, string url, params (string Selector, string German, string English)[] texts)
    {
        using var client = await app.SignedInAdminAsync();
        await client.AssertGermanAndEnglishAsync(url, texts);
    }
}
