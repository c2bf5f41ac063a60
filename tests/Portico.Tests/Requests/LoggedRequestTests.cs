namespace Portico.Tests.Requests;

/// Staff log a request for a customer from a phone call or an email; the customer follows it like any other.
public sealed class LoggedRequestTests(PorticoApp app) : AppTests
{
    private static async Task<HttpResponseMessage> LogAsync(PorticoClient staff, Guid accountId, Guid requesterId, Guid typeId, string channel, string subject)
    {
        var query = $"/staff/requests/log?account={accountId}&requester={requesterId}&type={typeId}&channel={channel}";
        var page = await staff.GetPageAsync(query);
        return await staff.PostMultipartAsync(query, page, [Field("subject", subject), Field("priority", "High")]);
    }

    [Fact]
    public async Task A_request_logged_from_a_phone_call_keeps_its_channel_and_the_customer_follows_it_in_the_portal()
    {
        var (agent, type, account, customer) = await app.CreateAgentTypeAndCustomerAsync();
        using var staff = await app.SignInAsync(agent);

        var response = await LogAsync(staff, account.Id, customer.Id, type.Id, "Phone", "Called about a late delivery");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var request = await app.WithDbAsync((db, _) => db.Requests.AcrossAccounts().SingleAsync(r => r.AccountId == account.Id));
        Assert.Equal((Channel.Phone, customer.Id, "Called about a late delivery", RequestPriority.High),
            (request.Channel, request.SubmitterId, request.Subject, request.Priority));
        Assert.Equal($"/staff/requests/{request.Id}", response.Headers.Location?.OriginalString);
        var audit = await app.WithDbAsync((db, _) => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.RequestCreated && e.TargetId == request.Id.ToString()));
        Assert.Equal(agent.Id, audit.ActorUserId);
        Assert.Contains("\"channel\":\"Phone\"", audit.Details, StringComparison.Ordinal);
        var created = await app.WithDbAsync((db, _) => db.KeyEvents.AcrossAccounts().SingleAsync(e => e.AccountId == account.Id && e.Kind == KeyEventKind.RequestCreated));
        Assert.Equal((Channel.StaffOnBehalf, agent.Id), (created.Channel, created.PersonId));

        using var client = await app.SignInAsync(customer);
        var page = await client.GetPageAsync($"/a/{account.Id}/requests/{request.Id}");
        Assert.Contains("Called about a late delivery", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("from a phone call", page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Portal")]
    [InlineData("Fax")]
    public async Task A_channel_other_than_phone_or_email_is_refused_and_nothing_is_logged(string channel)
    {
        var (agent, type, account, customer) = await app.CreateAgentTypeAndCustomerAsync();
        using var staff = await app.SignInAsync(agent);

        var response = await LogAsync(staff, account.Id, customer.Id, type.Id, channel, "Logged with a wrong channel");

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, response.StatusCode.ToString());
        Assert.Equal(0, await app.RequestCountAsync(account.Id));
    }

    [Fact]
    public async Task A_requester_from_another_account_is_refused_and_nothing_is_logged()
    {
        var (agent, type, account, _) = await app.CreateAgentTypeAndCustomerAsync();
        var (otherAccount, stranger) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var staff = await app.SignInAsync(agent);

        var response = await LogAsync(staff, account.Id, stranger.Id, type.Id, "Email", "For someone else");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(SubmitRequest.RequesterRefusal, (await PorticoClient.ParseAsync(response)).QuerySelector("[data-testid=form-errors] li")?.TextContent.Trim());
        Assert.Equal(0, await app.RequestCountAsync(account.Id));
        Assert.Equal(0, await app.RequestCountAsync(otherAccount.Id));
    }

    [Fact]
    public async Task Customers_and_finance_staff_cannot_log_requests()
    {
        var (_, type, account, customer) = await app.CreateAgentTypeAndCustomerAsync();
        var finance = await app.CreateUserAsync(staffRole: StaffRole.Finance);

        foreach (var user in new[] { customer, finance })
        {
            using var client = await app.SignInAsync(user);
            var response = await client.Http.GetAsync(new Uri($"/staff/requests/log?account={account.Id}&requester={customer.Id}&type={type.Id}", UriKind.Relative));
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, response.StatusCode.ToString());
        }
    }
}
