namespace Portico.Tests.Contacts;

/// An invitation is read by someone who may have no profile yet: an existing person in their own language, a newcomer in
/// the language of whoever invites them.
public sealed class InvitationEmailsInGermanTests(PorticoApp app) : AppTests
{
    private async Task InviteAsync(PorticoClient client, Guid accountId, string email)
    {
        var page = await client.GetPageAsync($"/a/{accountId}/contacts");
        var roleId = await app.WithDbAsync((db, _) => db.Roles.Where(r => r.Name == BuiltInRoles.Auditor).Select(r => r.Id).SingleAsync());
        var invited = await client.PostFormAsync($"/a/{accountId}/contacts?handler=Invite", page,
            new Dictionary<string, string> { ["email"] = email, ["roleId"] = roleId.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
    }

    [Fact]
    public async Task An_existing_German_person_and_a_newcomer_invited_from_a_German_page_read_German_other_newcomers_English()
    {
        var (account, owner, english) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        using var german = (await app.SignInAsync(owner)).AskingForGerman();
        var someone = await app.CreateUserAsync();
        await app.ChooseGermanAsync(someone);
        var newcomer = $"new-{PorticoApp.Unique()}@example.com";
        var newcomerFromGerman = $"neu-{PorticoApp.Unique()}@example.com";

        await InviteAsync(english, account.Id, someone.Email!);
        await InviteAsync(english, account.Id, newcomer);
        await InviteAsync(german, account.Id, newcomerFromGerman);

        var existing = await app.WaitForEmailAsync(someone.Email!, m => (m.TextBody ?? "").Contains("/invitations/", StringComparison.Ordinal));
        Assert.StartsWith($"{owner.DisplayName} hat Sie zu {account.Name} auf ", existing.Subject, StringComparison.Ordinal);
        Assert.Contains($"hat Sie zum Konto {account.Name} auf ", existing.TextBody, StringComparison.Ordinal);
        Assert.Contains("Nehmen Sie die Einladung innerhalb von 7 Tagen an: ", existing.TextBody, StringComparison.Ordinal);
        var fromGerman = await app.WaitForEmailAsync(newcomerFromGerman, m => (m.TextBody ?? "").Contains("/invitations/", StringComparison.Ordinal));
        Assert.StartsWith($"{owner.DisplayName} hat Sie zu {account.Name} auf ", fromGerman.Subject, StringComparison.Ordinal);
        var fromEnglish = await app.WaitForEmailAsync(newcomer, m => (m.TextBody ?? "").Contains("/invitations/", StringComparison.Ordinal));
        Assert.StartsWith($"{owner.DisplayName} invited you to {account.Name} on ", fromEnglish.Subject, StringComparison.Ordinal);
        Assert.Contains("Accept within 7 days: ", fromEnglish.TextBody, StringComparison.Ordinal);
    }
}
