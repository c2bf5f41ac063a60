namespace Portico.Tests.Staff;

/// Reading a staff console page as a staff Admin whose browser asks for German, and in English without the header.
public static class StaffConsoleInGerman
{
    public static Task<PorticoClient> SignedInAdminAsync(this PorticoApp app) => app.SignInStaffAsync(StaffRole.Admin);

    /// A new staff Admin reads the console page at url in German and in English.
    public static Task AssertAdminReadsInGermanAsync(this PorticoApp app, string url, params (string Selector, string German, string English)[] texts) =>
        app.AssertStaffReadsInGermanAsync(StaffRole.Admin, url, texts);
}
