namespace Portico.Tests.Requests;

/// Each recipient of a request notice reads it in the language of their own profile, whoever caused it.
public sealed class RequestEmailsInGermanTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task A_German_submitter_gets_German_notices_and_the_English_agent_of_the_same_request_English()
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync();
        await app.ChooseGermanAsync(user);
        using var customer = await app.SignInAsync(user);
        using var staff = await app.SignInAsync(agent);
        var subject = "Drucker klemmt " + PorticoApp.Unique();

        var id = await customer.SubmitAsync(account.Id, type.Id, subject);

        var confirmation = await app.WaitForMailAsync(user.Email!, m => (m.Subject ?? "").Contains(subject, StringComparison.Ordinal));
        Assert.Equal($"[#1] Wir haben Ihre Anfrage erhalten: {subject}", confirmation.Subject);
        Assert.StartsWith($"Hallo {user.DisplayName},", confirmation.Text(), StringComparison.Ordinal);
        Assert.Contains($"Wir haben Ihre Anfrage „{subject}“ für {account.Name} erhalten.", confirmation.Text(), StringComparison.Ordinal);
        var forAgent = await app.WaitForMailAsync(agent.Email!, m => (m.Subject ?? "").Contains(subject, StringComparison.Ordinal));
        Assert.Equal($"[#1] New Normal request from {account.Name}: {subject}", forAgent.Subject);

        await staff.StaffMoveAsync(id, RequestStatus.WaitingOnCustomer);
        var status = await app.WaitForMailAsync(user.Email!, m => m.Subject == $"[#1] Wartet auf Kunden: {subject}");
        Assert.Contains("hat jetzt den Status Wartet auf Kunden (vorher Neu).", status.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_German_agent_gets_the_new_request_in_German_and_the_English_submitter_English()
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync();
        await app.ChooseGermanAsync(agent);
        using var customer = await app.SignInAsync(user);
        var subject = "Mail bounces " + PorticoApp.Unique();

        await customer.SubmitAsync(account.Id, type.Id, subject);

        var forAgent = await app.WaitForMailAsync(agent.Email!, m => (m.Subject ?? "").Contains(subject, StringComparison.Ordinal));
        Assert.Equal($"[#1] Neue Anfrage (Normal) von {account.Name}: {subject}", forAgent.Subject);
        Assert.Contains("Erste Antwort fällig bis ", forAgent.Text(), StringComparison.Ordinal);
        var confirmation = await app.WaitForMailAsync(user.Email!, m => (m.Subject ?? "").Contains(subject, StringComparison.Ordinal));
        Assert.Equal($"[#1] We received your request: {subject}", confirmation.Subject);
    }
}
