namespace Portico.Tests.Requests;

/// The staff console: the queue and its filters, bulk changes, assignment and who may use it.
public sealed class StaffRequestTests(PorticoApp app) : AppTests
{
    private static async Task<HashSet<Guid>> QueueAsync(PorticoClient staff, string query) =>
        LinkedRequestIds(await staff.GetPageAsync("/staff/requests?" + query), "[data-testid=queue-row]", "/staff/requests/");

    [Fact]
    public async Task The_queue_filters_by_status_assignee_account_and_breached_SLA()
    {
        var agent = await app.CreateAgentAsync();
        var otherAgent = await app.CreateAgentAsync();
        var type = await app.CreateRequestTypeAsync();
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var (otherAccount, otherUser) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var mine = await app.CreateRequestAsync(account, user, type, "Mine");
        var theirs = await app.CreateRequestAsync(account, user, type, "Theirs");
        var unassigned = await app.CreateRequestAsync(account, user, type, "Unassigned");
        var closed = await app.CreateRequestAsync(account, user, type, "Closed");
        var breached = await app.CreateRequestAsync(account, user, type, "Breached");
        var elsewhere = await app.CreateRequestAsync(otherAccount, otherUser, type, "Elsewhere");
        using var staff = await app.SignInAsync(agent);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.StaffPostAsync(mine.Id, "Assign", [Field("assignee", "me")])).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.StaffPostAsync(theirs.Id, "Assign", [Field("assignee", otherAgent.Id.ToString())])).StatusCode);
        await staff.StaffMoveAsync(closed.Id, RequestStatus.Closed);
        await app.WithDbAsync(db => db.Requests.Where(r => r.Id == breached.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.FirstResponseDueAt, DateTime.UtcNow.AddHours(-1)).SetProperty(r => r.NextDueAt, DateTime.UtcNow.AddHours(-1))));

        var a = $"account={account.Id}";
        SameRequests([mine.Id, theirs.Id, unassigned.Id, breached.Id], await QueueAsync(staff, a));
        SameRequests([mine.Id, theirs.Id, unassigned.Id, closed.Id, breached.Id], await QueueAsync(staff, $"{a}&status=all"));
        SameRequests([closed.Id], await QueueAsync(staff, $"{a}&status=Closed"));
        Assert.Empty(await QueueAsync(staff, $"{a}&status=Resolved"));
        SameRequests([mine.Id], await QueueAsync(staff, $"{a}&assignee=me"));
        SameRequests([theirs.Id], await QueueAsync(staff, $"{a}&assignee={otherAgent.Id}"));
        SameRequests([unassigned.Id, breached.Id], await QueueAsync(staff, $"{a}&assignee=none"));
        SameRequests([unassigned.Id, closed.Id, breached.Id], await QueueAsync(staff, $"{a}&assignee=none&status=all"));
        SameRequests([breached.Id], await QueueAsync(staff, $"{a}&breached=true"));
        SameRequests([elsewhere.Id], await QueueAsync(staff, $"account={otherAccount.Id}"));

        var page = await staff.GetPageAsync($"/staff/requests?{a}&breached=true");
        Assert.Equal("1 request", page.QuerySelector("[data-testid=queue-count]")!.TextContent.Trim());
        Assert.Contains("overdue", page.QuerySelector("[data-testid=queue-row] td.breach")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bulk_change_is_all_or_nothing_when_one_request_cannot_make_the_move()
    {
        var agent = await app.CreateAgentAsync();
        var type = await app.CreateRequestTypeAsync();
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var open = new List<Request>();
        for (var i = 0; i < 3; i++)
        {
            open.Add(await app.CreateRequestAsync(account, user, type, $"Bulk open {i} {PorticoApp.Unique()}"));
        }
        var closed = await app.CreateRequestAsync(account, user, type, "Bulk closed " + PorticoApp.Unique());
        using var staff = await app.SignInAsync(agent);
        await staff.StaffMoveAsync(closed.Id, RequestStatus.Closed);
        var all = open.Append(closed).Select(r => r.Id).ToList();
        async Task<List<(Guid Id, RequestStatus Status, Guid? AssigneeId, int Version)>> StateAsync() =>
            (await app.WithDbAsync((db, _) => db.Requests.Where(r => all.Contains(r.Id)).OrderBy(r => r.Number)
                .Select(r => new { r.Id, r.Status, r.AssigneeId, r.Version }).ToListAsync()))
            .Select(r => (r.Id, r.Status, r.AssigneeId, r.Version)).ToList();
        Task<int> AuditCountAsync() => app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.AccountId == account.Id));
        Task<int> OutboxCountAsync() => app.WithDbAsync((db, _) => db.OutboxMessages.CountAsync(m => m.Payload.Contains(user.Email!)));
        var (stateBefore, auditBefore, outboxBefore) = (await StateAsync(), await AuditCountAsync(), await OutboxCountAsync());
        Assert.True(outboxBefore > 0, "Closing a request emails its submitter, so the outbox count can see a change.");
        var queue = await staff.GetPageAsync($"/staff/requests?account={account.Id}&status=all");

        var refused = await staff.PostMultipartAsync("/staff/requests?handler=Bulk", queue,
            [.. all.Select(id => Field("selected", id.ToString())), Field("bulkStatus", nameof(RequestStatus.InProgress)), Field("bulkAssignee", "me")]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal($"Request #4 ({closed.Subject}) is Closed and cannot move to In progress. Nothing was changed.", await ActionErrorAsync(refused));
        Assert.Equal(stateBefore, await StateAsync());
        Assert.Equal(auditBefore, await AuditCountAsync());
        Assert.Equal(outboxBefore, await OutboxCountAsync());

        var applied = await staff.PostMultipartAsync("/staff/requests?handler=Bulk", queue,
            [.. open.Select(r => Field("selected", r.Id.ToString())), Field("bulkStatus", nameof(RequestStatus.InProgress)), Field("bulkAssignee", "me")]);

        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        var after = await StateAsync();
        Assert.All(after.Take(3), r => Assert.Equal((RequestStatus.InProgress, (Guid?)agent.Id), (r.Status, r.AssigneeId)));
        Assert.Equal(stateBefore[3], after[3]);
        foreach (var r in open)
        {
            Assert.Equal([AuditActions.RequestAssigned, AuditActions.RequestStatusChanged], (await app.AuditActionsAsync(r.Id)).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Requests_can_be_assigned_only_to_agents_and_admins()
    {
        var agent = await app.CreateAgentAsync();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        var finance = await app.CreateUserAsync(staffRole: StaffRole.Finance);
        var type = await app.CreateRequestTypeAsync();
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var request = await app.CreateRequestAsync(account, user, type);
        using var staff = await app.SignInAsync(agent);
        const string refusal = "Requests can only be assigned to agents and admins.";

        var page = await staff.GetPageAsync(StaffPath(request.Id));
        var offered = page.QuerySelectorAll("#assignee option").Select(o => o.GetAttribute("value") ?? "").ToList();
        Assert.Contains(admin.Id.ToString(), offered);
        Assert.DoesNotContain(finance.Id.ToString(), offered);
        Assert.DoesNotContain(user.Id.ToString(), offered);

        foreach (var wrong in new[] { finance.Id, user.Id, Guid.NewGuid() })
        {
            var response = await staff.StaffPostAsync(request.Id, "Assign", [Field("assignee", wrong.ToString())]);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal(refusal, await ActionErrorAsync(response));
        }
        var queue = await staff.GetPageAsync($"/staff/requests?account={account.Id}");
        var bulk = await staff.PostMultipartAsync("/staff/requests?handler=Bulk", queue, [Field("selected", request.Id.ToString()), Field("bulkAssignee", finance.Id.ToString())]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bulk.StatusCode);
        Assert.Equal(refusal, await ActionErrorAsync(bulk));
        Assert.Null((await app.LoadRequestAsync(request.Id)).AssigneeId);
        Assert.DoesNotContain(AuditActions.RequestAssigned, await app.AuditActionsAsync(request.Id));

        var toAdmin = await staff.StaffPostAsync(request.Id, "Assign", [Field("assignee", admin.Id.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, toAdmin.StatusCode);
        var assigned = await app.LoadRequestAsync(request.Id);
        Assert.Equal((admin.Id, admin.DisplayName), (assigned.AssigneeId, assigned.AssigneeName));
        var unassign = await staff.StaffPostAsync(request.Id, "Assign", [Field("assignee", "")]);
        Assert.Equal(HttpStatusCode.Redirect, unassign.StatusCode);
        Assert.Null((await app.LoadRequestAsync(request.Id)).AssigneeId);
    }

    [Fact]
    public async Task Finance_staff_and_customers_cannot_use_the_request_console()
    {
        var type = await app.CreateRequestTypeAsync();
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var request = await app.CreateRequestAsync(account, user, type);
        var attachmentId = await app.WithDbAsync((db, _) => db.RequestAttachments.Where(x => x.RequestId == request.Id).Select(x => x.Id).SingleAsync());
        var finance = await app.CreateUserAsync(staffRole: StaffRole.Finance);

        foreach (var person in new[] { finance, user })
        {
            using var client = await app.SignInAsync(person);
            foreach (var path in new[] { "/staff/requests", StaffPath(request.Id), $"{StaffPath(request.Id)}/files/{attachmentId}", "/staff/request-types" })
            {
                var response = await client.Http.GetAsync(new Uri(path, UriKind.Relative));
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.DoesNotContain(request.Subject, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Agents_work_the_queue_but_only_admins_edit_request_types()
    {
        var agent = await app.CreateAgentAsync();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        var type = await app.CreateRequestTypeAsync();
        using var agentClient = await app.SignInAsync(agent);
        using var adminClient = await app.SignInAsync(admin);

        Assert.Equal(HttpStatusCode.OK, (await agentClient.Http.GetAsync(new Uri("/staff/requests", UriKind.Relative))).StatusCode);
        foreach (var path in new[] { "/staff/request-types", "/staff/request-types/edit", $"/staff/request-types/edit/{type.Id}" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await agentClient.Http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await adminClient.Http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        }
        // Nor can an agent post the editor with a token from a page they may open.
        var queue = await agentClient.GetPageAsync("/staff/requests");
        var post = await agentClient.PostFormAsync($"/staff/request-types/edit/{type.Id}", queue, new Dictionary<string, string> { ["Form.Name"] = "Renamed by an agent" });
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(type.Name, await app.WithDbAsync((db, _) => db.RequestTypes.Where(t => t.Id == type.Id).Select(t => t.Name).SingleAsync()));
    }
}
