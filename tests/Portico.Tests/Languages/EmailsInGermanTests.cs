namespace Portico.Tests.Languages;

/// Each recipient reads an email in the language of their own profile, whoever caused it; an invitation, read by someone who
/// may have no profile yet, goes to a newcomer in the language of whoever invites them.
public sealed class EmailsInGermanTests(PorticoApp app) : AppTests
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

        var de = await app.WaitForEmailAsync(german.Email!, m => m.IsAbout(name));
        Assert.Equal("Neues Dokument: " + name, de.Subject);
        Assert.Contains($"hat „{name}“ (Version 1) im Ordner {folder.Name} bereitgestellt.", de.TextBody, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"de\">", de.HtmlBody, StringComparison.Ordinal);
        var en = await app.WaitForEmailAsync(english.Email!, m => m.IsAbout(name));
        Assert.Equal("New document: " + name, en.Subject);
        Assert.Contains($"shared \"{name}\" (version 1) in the folder {folder.Name}.", en.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_German_submitter_gets_German_notices_and_the_English_agent_of_the_same_request_English()
    {
        var setup = await app.CreateAgentTypeAndCustomerAsync();
        var (agent, _, account, user) = setup;
        await app.ChooseGermanAsync(user);
        using var staff = await app.SignInAsync(agent);
        var subject = "Drucker klemmt " + PorticoApp.Unique();

        var (id, confirmation, forAgent) = await app.SubmitAndReadNoticesAsync(setup, subject);

        Assert.Equal($"[#1] Wir haben Ihre Anfrage erhalten: {subject}", confirmation.Subject);
        Assert.StartsWith($"Hallo {user.DisplayName},", confirmation.Text(), StringComparison.Ordinal);
        Assert.Contains($"Wir haben Ihre Anfrage „{subject}“ für {account.Name} erhalten.", confirmation.Text(), StringComparison.Ordinal);
        Assert.Equal($"[#1] New Normal request from {account.Name}: {subject}", forAgent.Subject);

        await staff.StaffMoveAsync(id, RequestStatus.WaitingOnCustomer);
        var status = await app.WaitForMailAsync(user.Email!, m => m.Subject == $"[#1] Wartet auf Kunden: {subject}");
        Assert.Contains("hat jetzt den Status Wartet auf Kunden (vorher Neu).", status.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_German_agent_gets_the_new_request_in_German_and_the_English_submitter_English()
    {
        var setup = await app.CreateAgentTypeAndCustomerAsync();
        await app.ChooseGermanAsync(setup.Agent);
        var subject = "Mail bounces " + PorticoApp.Unique();

        var (_, confirmation, forAgent) = await app.SubmitAndReadNoticesAsync(setup, subject);

        Assert.Equal($"[#1] Neue Anfrage (Normal) von {setup.Account.Name}: {subject}", forAgent.Subject);
        Assert.Contains("Erste Antwort fällig bis ", forAgent.Text(), StringComparison.Ordinal);
        Assert.Equal($"[#1] We received your request: {subject}", confirmation.Subject);
    }
}
