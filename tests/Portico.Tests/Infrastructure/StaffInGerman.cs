namespace Portico.Tests.Infrastructure;

/// Staff console pages read in German: a new staff member of the role signs in, and the browser asks for German or not.
public static class StaffInGerman
{
    public static async Task<PorticoClient> SignInStaffAsync(this PorticoApp app, StaffRole role) =>
        await app.SignInAsync(await app.CreateUserAsync(staffRole: role));

    /// A new staff member of the role reads the page at url in German with Accept-Language de and in English without.
    public static async Task AssertStaffReadsInGermanAsync(this PorticoApp app, StaffRole role, string url, params (string Selector, string German, string English)[] texts)
    {
        using var staff = await app.SignInStaffAsync(role);
        await staff.AssertGermanAndEnglishAsync(url, texts);
    }
}
