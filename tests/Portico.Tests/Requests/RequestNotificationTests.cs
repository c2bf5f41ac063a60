namespace Portico.Tests.Requests;

/// Request emails, delivered through the outbox to a real SMTP server.
public sealed class RequestNotificationTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task Submitting_emails_a_confirmation_to_the_submitter_and_the_request_to_the_default_assignee()
    {
        var setup = await app.CreateAgentTypeAndCustomerAsync();
        var subject = "Printer jammed " + PorticoApp.Unique();

        var (id, confirmation, forAgent) = await app.SubmitAndReadNoticesAsync(setup, subject);

        Assert.Equal($"[#1] We received your request: {subject}", confirmation.Subject);
        Assert.Contains($"We received your request \"{subject}\" for {setup.Account.Name}.", confirmation.Text(), StringComparison.Ordinal);
        Assert.Contains(CustomerPath(setup.Account.Id, id), confirmation.Text(), StringComparison.Ordinal);
        Assert.Equal($"[#1] New Normal request from {setup.Account.Name}: {subject}", forAgent.Subject);
        Assert.Contains(StaffPath(id), forAgent.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_replies_and_status_changes_are_emailed_to_the_submitter_and_customer_replies_to_the_assignee()
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync();
        using var customer = await app.SignInAsync(user);
        using var staff = await app.SignInAsync(agent);
        var subject = "Mail bounces " + PorticoApp.Unique();
        var id = await customer.SubmitAsync(account.Id, type.Id, subject);

        await staff.StaffReplyAsync(id, "Which address do you send to?");
        var reply = await app.WaitForMailAsync(user.Email!, m => m.Subject == $"[#1] New reply: {subject}");
        Assert.Contains("Which address do you send to?", reply.Text(), StringComparison.Ordinal);
        Assert.Contains(agent.DisplayName, reply.Text(), StringComparison.Ordinal);

        await staff.StaffMoveAsync(id, RequestStatus.WaitingOnCustomer);
        var status = await app.WaitForMailAsync(user.Email!, m => m.Subject == $"[#1] Waiting on customer: {subject}");
        Assert.Contains("is now Waiting on customer (was New)", status.Text(), StringComparison.Ordinal);
        Assert.Contains("We need information from you to go on.", status.Text(), StringComparison.Ordinal);

        var response = await customer.CustomerPostAsync(account.Id, id, "Reply", [Field("Body", "To billing@example.org, since Monday.")]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var customerReply = await app.WaitForMailAsync(agent.Email!, m => m.Subject == $"[#1] Customer reply: {subject}");
        Assert.Contains("To billing@example.org, since Monday.", customerReply.Text(), StringComparison.Ordinal);
        Assert.Contains(StaffPath(id), customerReply.Text(), StringComparison.Ordinal);

        await staff.StaffMoveAsync(id, RequestStatus.Resolved);
        var resolved = await app.WaitForMailAsync(user.Email!, m => m.Subject == $"[#1] Resolved: {subject}");
        Assert.Contains("is now Resolved (was In progress)", resolved.Text(), StringComparison.Ordinal);
        // The customer's own reply is not emailed back to them.
        Assert.DoesNotContain(app.MailTo(user.Email!), m => m.Text().Contains("since Monday", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_customer_who_turned_off_request_updates_gets_no_request_email()
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync();
        using var customer = await app.SignInAsync(user);
        using var staff = await app.SignInAsync(agent);
        var settings = await customer.GetPageAsync("/settings/notifications");
        Assert.NotNull(settings.QuerySelector("input[name=RequestUpdates][checked]"));
        // An unticked box is not posted at all.
        var saved = await customer.PostFormAsync("/settings/notifications", settings, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Null((await customer.GetPageAsync("/settings/notifications")).QuerySelector("input[name=RequestUpdates][checked]"));
        var subject = "Quiet please " + PorticoApp.Unique();

        var id = await customer.SubmitAsync(account.Id, type.Id, subject);
        await staff.StaffReplyAsync(id, "A reply the customer chose not to get by email.");
        await staff.StaffMoveAsync(id, RequestStatus.WaitingOnCustomer);
        var response = await customer.CustomerPostAsync(account.Id, id, "Reply", [Field("Body", "I will check the page instead.")]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        // The assignee's emails about the same request arrive, the last one queued after all the others ...
        await app.WaitForMailAsync(agent.Email!, m => m.Subject == $"[#1] New Normal request from {account.Name}: {subject}");
        await app.WaitForMailAsync(agent.Email!, m => m.Subject == $"[#1] Customer reply: {subject}");
        // ... while the customer got none: no confirmation, no reply, no status change.
        Assert.Empty(app.MailTo(user.Email!));
    }
}
