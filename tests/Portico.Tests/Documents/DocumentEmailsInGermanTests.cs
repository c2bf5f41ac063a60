namespace Portico.Tests.Documents;

/// One document notice, composed for each member in the language of their profile.
public sealed class DocumentEmailsInGermanTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task A_shared_document_is_announced_in_German_to_a_German_member_and_in_English_to_another()
    {
        var account = await app.CreateAccountAsync();
        var german = await app.CreateMemberAsync(account, BuiltInRoles.Owner);
        var english = await app.CreateMemberAsync(account, BuiltInRoles.Owner);
        await app.ChooseGermanAsync(german);
        var folder = await app.CreateFolderAsync(account, "General " + PorticoApp.Unique());
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        var name = "Welcome pack " + PorticoApp.Unique() + ".txt";
        using var staff = await app.SignInAsync(admin);

        var page = await staff.GetPageAsync($"/staff/accounts/{account.Id}/documents");
        var uploaded = await staff.PostMultipartAsync($"/staff/accounts/{account.Id}/documents?handler=Upload", page,
            [new("folderId", folder.Id.ToString())], [("file", name, Text("for everyone"))]);
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);

        var de = await app.WaitForEmailAsync(german.Email!, m => (m.Subject ?? "").Contains(name, StringComparison.Ordinal));
        Assert.Equal("Neues Dokument: " + name, de.Subject);
        Assert.Contains($"hat „{name}“ (Version 1) im Ordner {folder.Name} bereitgestellt.", de.TextBody, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"de\">", de.HtmlBody, StringComparison.Ordinal);
        var en = await app.WaitForEmailAsync(english.Email!, m => (m.Subject ?? "").Contains(name, StringComparison.Ordinal));
        Assert.Equal("New document: " + name, en.Subject);
        Assert.Contains($"shared \"{name}\" (version 1) in the folder {folder.Name}.", en.TextBody, StringComparison.Ordinal);
    }
}
