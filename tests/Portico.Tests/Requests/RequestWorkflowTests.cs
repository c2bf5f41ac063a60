namespace Portico.Tests.Requests;

/// Moves between statuses by staff and by customers, and the moves that are refused.
public sealed class RequestWorkflowTests(PorticoApp app) : AppTests
{
    private sealed record Setup(Account Account, PorticoUser Customer, PorticoClient CustomerClient, PorticoClient Staff, Guid RequestId) : IDisposable
    {
        public void Dispose()
        {
            CustomerClient.Dispose();
            Staff.Dispose();
        }
    }

    /// A request a customer submitted, which its agent then moved to the status, if one is given.
    private async Task<Setup> SubmittedAsync(RequestStatus? movedTo = null)
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync();
        var customer = await app.SignInAsync(user);
        var staff = await app.SignInAsync(agent);
        var id = await customer.SubmitAsync(account.Id, type.Id, "Workflow " + PorticoApp.Unique());
        if (movedTo is { } status)
        {
            await staff.StaffMoveAsync(id, status);
        }
        return new Setup(account, user, customer, staff, id);
    }

    /// Refused with the message, and the request, its events, messages and audit are as they were.
    private async Task AssertRefusedAsync(HttpResponseMessage response, string message, Guid requestId, (RequestStatus, int, int, int, int) before)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(message, await ActionErrorAsync(response));
        Assert.Equal(before, await SnapshotAsync(requestId));
    }

    private Task<(RequestStatus Status, int Version, int Events, int Messages, int Audit)> SnapshotAsync(Guid requestId) => app.WithDbAsync(async (db, _) =>
    {
        var r = await db.Requests.AsNoTracking().SingleAsync(x => x.Id == requestId);
        return (r.Status, r.Version,
            await db.RequestEvents.CountAsync(e => e.RequestId == requestId),
            await db.RequestMessages.CountAsync(m => m.RequestId == requestId),
            await db.AuditEvents.CountAsync(e => e.TargetId == requestId.ToString()));
    });

    [Theory]
    [InlineData(RequestStatus.Closed, RequestStatus.InProgress, "A request that is Closed cannot move to In progress.")]
    [InlineData(RequestStatus.Resolved, RequestStatus.WaitingOnCustomer, "A request that is Resolved cannot move to Waiting on customer.")]
    [InlineData(RequestStatus.Closed, RequestStatus.Resolved, "A request that is Closed cannot move to Resolved.")]
    public async Task A_staff_move_the_workflow_does_not_allow_is_refused_and_changes_nothing(RequestStatus from, RequestStatus to, string message)
    {
        using var s = await SubmittedAsync(from);
        var before = await SnapshotAsync(s.RequestId);

        var response = await s.Staff.StaffPostAsync(s.RequestId, "Status", [Field("status", to.ToString())]);

        await AssertRefusedAsync(response, message, s.RequestId, before);
        Assert.Equal(from, before.Status);
    }

    [Fact]
    public async Task A_staff_reply_that_would_make_a_refused_move_saves_neither_the_reply_nor_the_move()
    {
        using var s = await SubmittedAsync(RequestStatus.Resolved);
        var before = await SnapshotAsync(s.RequestId);

        var response = await s.Staff.StaffPostAsync(s.RequestId, "Reply",
            [Field("kind", "reply"), Field("Body", "Can you send logs?"), Field("thenStatus", nameof(RequestStatus.WaitingOnCustomer))]);

        await AssertRefusedAsync(response, "A request that is Resolved cannot move to Waiting on customer.", s.RequestId, before);
    }

    [Fact]
    public async Task A_customer_reply_to_a_closed_request_is_refused_on_the_page_and_in_the_API()
    {
        using var s = await SubmittedAsync(RequestStatus.Closed);
        var before = await SnapshotAsync(s.RequestId);
        const string closed = "This request is closed. Submit a new request if you need more help.";

        var page = await s.CustomerClient.GetPageAsync(CustomerPath(s.Account.Id, s.RequestId));
        Assert.Null(page.QuerySelector("textarea[name=Body]"));
        var response = await s.CustomerClient.PostMultipartAsync($"{CustomerPath(s.Account.Id, s.RequestId)}?handler=Reply", page, [Field("Body", "Still broken")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(closed, await ActionErrorAsync(response));

        var api = await s.CustomerClient.Http.PostAsJsonAsync(new Uri($"/api/accounts/{s.Account.Id}/requests/{s.RequestId}/replies", UriKind.Relative),
            new { body = "Still broken" });
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        var problem = await api.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(closed, problem.GetProperty("errors").GetProperty("body")[0].GetString());

        Assert.Equal(before, await SnapshotAsync(s.RequestId));
    }

    [Fact]
    public async Task A_customer_reply_while_waiting_on_the_customer_hands_the_request_back_to_the_team()
    {
        using var s = await SubmittedAsync();
        await s.Staff.StaffReplyAsync(s.RequestId, "Which model is it?");
        await s.Staff.StaffMoveAsync(s.RequestId, RequestStatus.WaitingOnCustomer);
        Assert.NotNull((await app.LoadRequestAsync(s.RequestId)).WaitingSince);

        var response = await s.CustomerClient.CustomerPostAsync(s.Account.Id, s.RequestId, "Reply", [Field("Body", "It is the LX-200.")]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var request = await app.LoadRequestAsync(s.RequestId);
        Assert.Equal(RequestStatus.InProgress, request.Status);
        Assert.Null(request.WaitingSince);
        var page = await s.CustomerClient.GetPageAsync(CustomerPath(s.Account.Id, s.RequestId));
        Assert.Equal("In progress", page.QuerySelector("[data-testid=request-status]")!.TextContent.Trim());
        Assert.Contains(page.QuerySelectorAll("[data-testid=timeline-entry]"),
            e => e.TextContent.Contains("Provided information: Waiting on customer → In progress", StringComparison.Ordinal));
        Assert.Contains(page.QuerySelectorAll("[data-testid=message]"), m => m.TextContent.Contains("It is the LX-200.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_customer_reply_on_an_open_request_keeps_its_status()
    {
        using var s = await SubmittedAsync(RequestStatus.InProgress);

        var response = await s.CustomerClient.CustomerPostAsync(s.Account.Id, s.RequestId, "Reply", [Field("Body", "Any news?")]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(RequestStatus.InProgress, (await app.LoadRequestAsync(s.RequestId)).Status);
        Assert.Equal(1, await app.MessageCountAsync(s.RequestId));
    }

    [Fact]
    public async Task Confirming_a_resolved_request_closes_it()
    {
        using var s = await SubmittedAsync(RequestStatus.Resolved);

        var response = await s.CustomerClient.CustomerPostAsync(s.Account.Id, s.RequestId, "Confirm", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var request = await app.LoadRequestAsync(s.RequestId);
        Assert.Equal(RequestStatus.Closed, request.Status);
        Assert.NotNull(request.ClosedAt);
        Assert.NotNull(request.ResolvedAt);
    }

    [Fact]
    public async Task Only_a_resolved_request_can_be_confirmed()
    {
        using var s = await SubmittedAsync(RequestStatus.InProgress);
        var before = await SnapshotAsync(s.RequestId);

        var response = await s.CustomerClient.CustomerPostAsync(s.Account.Id, s.RequestId, "Confirm", []);

        await AssertRefusedAsync(response, "This request is In progress; only a Resolved request can be confirmed resolved.", s.RequestId, before);
    }

    [Fact]
    public async Task A_resolved_request_can_be_reopened_within_the_window()
    {
        using var s = await SubmittedAsync(RequestStatus.Resolved);
        // Thirteen days ago is still within the default fourteen.
        await app.WithDbAsync(db => db.Requests.Where(r => r.Id == s.RequestId)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ResolvedAt, DateTime.UtcNow.AddDays(-13))));
        var page = await s.CustomerClient.GetPageAsync(CustomerPath(s.Account.Id, s.RequestId));
        Assert.NotNull(page.QuerySelector("form[action*='handler=Reopen']"));

        var response = await s.CustomerClient.CustomerPostAsync(s.Account.Id, s.RequestId, "Reopen", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var request = await app.LoadRequestAsync(s.RequestId);
        Assert.Equal(RequestStatus.InProgress, request.Status);
        Assert.Null(request.ResolvedAt);
    }

    [Fact]
    public async Task A_resolved_request_cannot_be_reopened_after_the_window()
    {
        using var s = await SubmittedAsync(RequestStatus.Resolved);
        await app.WithDbAsync(db => db.Requests.Where(r => r.Id == s.RequestId)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ResolvedAt, DateTime.UtcNow.AddDays(-15))));
        var before = await SnapshotAsync(s.RequestId);
        var page = await s.CustomerClient.GetPageAsync(CustomerPath(s.Account.Id, s.RequestId));
        Assert.Null(page.QuerySelector("form[action*='handler=Reopen']"));
        Assert.Contains("resolved more than 14 days ago", page.Body!.TextContent, StringComparison.Ordinal);

        var response = await s.CustomerClient.PostMultipartAsync($"{CustomerPath(s.Account.Id, s.RequestId)}?handler=Reopen", page, []);

        await AssertRefusedAsync(response, "Requests can be reopened up to 14 days after they are resolved. Submit a new request instead.", s.RequestId, before);
        Assert.Equal(RequestStatus.Resolved, before.Status);
    }
}
