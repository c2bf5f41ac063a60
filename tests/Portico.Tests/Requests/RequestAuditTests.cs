namespace Portico.Tests.Requests;

public sealed class RequestAuditTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task Each_change_to_a_request_is_audited_against_the_request_by_the_person_who_made_it()
    {
        var agent = await app.CreateAgentAsync();
        var otherAgent = await app.CreateAgentAsync();
        var type = await app.CreateAssignedTypeAsync(agent);
        var (account, user, customer) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        using var staff = await app.SignInAsync(agent);

        var id = await customer.SubmitAsync(account.Id, type.Id, "Audited " + PorticoApp.Unique());
        var shared = await customer.CustomerPostAsync(account.Id, id, "Share", [Field("shared", "true")]);
        Assert.Equal(HttpStatusCode.Redirect, shared.StatusCode);
        var assigned = await staff.StaffPostAsync(id, "Assign", [Field("assignee", otherAgent.Id.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, assigned.StatusCode);
        await staff.StaffReplyAsync(id, "Looks like the firewall.", internalNote: true);
        await staff.StaffMoveAsync(id, RequestStatus.InProgress);

        var events = await app.WithDbAsync((db, _) => db.AuditEvents.AsNoTracking()
            .Where(e => e.TargetId == id.ToString()).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal(
            [AuditActions.RequestCreated, AuditActions.RequestVisibilityChanged, AuditActions.RequestAssigned, AuditActions.RequestInternalNoteAdded, AuditActions.RequestStatusChanged],
            events.Select(e => e.Action));
        Assert.All(events, e =>
        {
            Assert.Equal("Request", e.TargetType);
            Assert.Equal(account.Id, e.AccountId);
        });
        var byAction = events.ToDictionary(e => e.Action);
        Assert.Equal(user.Id, byAction[AuditActions.RequestCreated].ActorUserId);
        Assert.Equal(user.Id, byAction[AuditActions.RequestVisibilityChanged].ActorUserId);
        Assert.Contains("\"shared\":true", byAction[AuditActions.RequestVisibilityChanged].Details, StringComparison.Ordinal);
        Assert.Equal(agent.Id, byAction[AuditActions.RequestAssigned].ActorUserId);
        Assert.Contains($"\"to\":\"{otherAgent.DisplayName}\"", byAction[AuditActions.RequestAssigned].Details, StringComparison.Ordinal);
        Assert.Equal(agent.Id, byAction[AuditActions.RequestInternalNoteAdded].ActorUserId);
        Assert.Equal(agent.Id, byAction[AuditActions.RequestStatusChanged].ActorUserId);
        Assert.Contains("\"from\":\"New\",\"to\":\"InProgress\"", byAction[AuditActions.RequestStatusChanged].Details, StringComparison.Ordinal);
        // The note's text is not copied into the audit log.
        Assert.DoesNotContain("firewall", byAction[AuditActions.RequestInternalNoteAdded].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_change_writes_no_audit_event()
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync();
        using var customer = await app.SignInAsync(user);
        using var staff = await app.SignInAsync(agent);
        var id = await customer.SubmitAsync(account.Id, type.Id, "Refused " + PorticoApp.Unique());
        await staff.StaffMoveAsync(id, RequestStatus.Closed);
        var before = await app.AuditActionsAsync(id);

        var response = await staff.StaffPostAsync(id, "Status", [Field("status", nameof(RequestStatus.InProgress))]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(before, await app.AuditActionsAsync(id));
    }
}
