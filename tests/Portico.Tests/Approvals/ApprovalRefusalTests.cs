namespace Portico.Tests.Approvals;

/// Rejections, withdrawals and approvals that are refused: nothing of the change is applied.
/// The default rules: Owner and Billing grants wait for the account manager, an address change for another Owner.
public sealed class ApprovalRefusalTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task A_rejection_needs_a_reason_and_applies_nothing()
    {
        var (account, owner, person) = await app.AccountWithViewerAsync();
        using var ownerClient = await app.SignInAsync(owner);
        var change = await app.AskToMakeOwnerAsync(ownerClient, account, person);
        // Without an account manager any staff admin decides.
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);

        var missing = await adminClient.DecideAsync("/staff/approvals", "Reject", change.Id, "   ");

        Assert.Contains("Give a reason for rejecting.", await PorticoClient.ActionErrorAsync(missing, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        Assert.Equal(ChangeStatus.Pending, (await app.ChangeAsync(change.Id)).Status);
        var noReasonApprove = await adminClient.DecideAsync("/staff/approvals", "Approve", change.Id);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReasonApprove.StatusCode);
        Assert.Equal(BuiltInRoles.Viewer, await app.RoleOfAsync(person.Id));

        var reason = "Not-an-owner-" + PorticoApp.Unique();
        ApprovalSteps.Redirected(await adminClient.DecideAsync("/staff/approvals", "Reject", change.Id, reason));

        var decided = await app.ChangeAsync(change.Id);
        Assert.Equal(ChangeStatus.Rejected, decided.Status);
        Assert.Equal(reason, decided.Reason);
        Assert.Equal(BuiltInRoles.Viewer, await app.RoleOfAsync(person.Id));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ApprovalRejected, change.Id.ToString()));
        var mail = await app.Mail.WaitForAsync(m => m.Contains(owner.Email!, StringComparison.Ordinal) && m.Contains(reason, StringComparison.Ordinal));
        Assert.Contains("was rejected", mail, StringComparison.Ordinal);
        // A decided change cannot be decided again.
        var again = await adminClient.DecideAsync("/staff/approvals", "Approve", change.Id, "Changed my mind");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        Assert.Equal(BuiltInRoles.Viewer, await app.RoleOfAsync(person.Id));
        var decidedRow = (await ownerClient.GetPageAsync($"/a/{account.Id}/approvals")).QuerySelector("[data-testid=decided-change]")!;
        Assert.Contains(reason, decidedRow.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task People_not_allowed_to_approve_are_refused_nothing_changes_and_the_attempt_is_audited()
    {
        var (account, owner, person) = await app.AccountWithViewerAsync();
        var manager = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        await app.SetAccountManagerAsync(account.Id, manager.Id);
        var coOwner = await app.AddOwnerAsync(account);
        using var ownerClient = await app.SignInAsync(owner);
        var (roleChange, addressChange) = await ownerClient.AskForBillingAndAddressAsync(app, account.Id, person.Id, "1 Refused Street");

        // Another account's Owner, through their own account: the change is not found there.
        var (otherAccount, outsider, outsiderClient) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        var foreign = await outsiderClient.DecideAsync($"/a/{otherAccount.Id}/approvals", "Approve", addressChange.Id, "Looks fine");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        // ...and through the victim's account: not a member, so 404 before anything is read.
        var direct = await outsiderClient.Http.PostAsync(new Uri($"/a/{account.Id}/approvals?handler=Approve", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["changeId"] = addressChange.Id.ToString(), ["reason"] = "x" }));
        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);

        // The requester themself, as an Owner, on both their changes.
        var own = await ownerClient.DecideAsync($"/a/{account.Id}/approvals", "Approve", addressChange.Id, "I approve my own");
        Assert.Contains("You may not decide this change.", await PorticoClient.ActionErrorAsync(own, HttpStatusCode.Forbidden), StringComparison.Ordinal);
        var ownRole = await ownerClient.DecideAsync($"/a/{account.Id}/approvals", "Approve", roleChange.Id, "I approve my own");
        Assert.Equal(HttpStatusCode.Forbidden, ownRole.StatusCode);

        // Another Owner may not decide what is routed to the account manager.
        using var coOwnerClient = await app.SignInAsync(coOwner);
        var notTheirs = await coOwnerClient.DecideAsync($"/a/{account.Id}/approvals", "Approve", roleChange.Id, "Owners agree");
        Assert.Equal(HttpStatusCode.Forbidden, notTheirs.StatusCode);

        // An Agent who is not the manager, and a staff admin while a manager is set.
        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        using var agentClient = await app.SignInAsync(agent);
        Assert.Empty((await agentClient.GetPageAsync("/staff/approvals")).QuerySelectorAll($"[data-change-id='{roleChange.Id}']"));
        var byAgent = await agentClient.DecideAsync("/staff/approvals", "Approve", roleChange.Id, "Agent says yes");
        Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
        var byAgentReject = await agentClient.DecideAsync("/staff/approvals", "Reject", roleChange.Id, "Agent says no");
        Assert.Equal(HttpStatusCode.Forbidden, byAgentReject.StatusCode);
        // Staff never decide what is routed to an Owner.
        var byAgentOnAddress = await agentClient.DecideAsync("/staff/approvals", "Approve", addressChange.Id, "Agent says yes");
        Assert.Equal(HttpStatusCode.Forbidden, byAgentOnAddress.StatusCode);

        Assert.All(await app.ChangesAsync(account.Id), c => Assert.Equal(ChangeStatus.Pending, c.Status));
        Assert.Equal(BuiltInRoles.Viewer, await app.RoleOfAsync(person.Id));
        Assert.Null(await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.AddressLines).SingleAsync()));
        Assert.Equal(3, await app.AuditCountAsync(AuditActions.ApprovalRefused, addressChange.Id.ToString()));
        Assert.Equal(4, await app.AuditCountAsync(AuditActions.ApprovalRefused, roleChange.Id.ToString()));
        var refusedByAgent = await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ApprovalRefused && e.ActorUserId == agent.Id));
        Assert.Equal(3, refusedByAgent);
        Assert.Equal(0, await app.AuditCountAsync(AuditActions.ApprovalApproved, roleChange.Id.ToString()));
    }

    [Fact]
    public async Task Approving_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var (account, owner, person) = await app.AccountWithViewerAsync();
        var coOwner = await app.AddOwnerAsync(account);
        using var ownerClient = await app.SignInAsync(owner);
        var (roleChange, addressChange) = await ownerClient.AskForBillingAndAddressAsync(app, account.Id, person.Id, "2 Forged Lane");
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);
        using var coOwnerClient = await app.SignInAsync(coOwner);

        var forms = new (PorticoClient Client, string Url, Guid Change)[]
        {
            (adminClient, "/staff/approvals?handler=Approve", roleChange.Id),
            (adminClient, "/staff/approvals?handler=Reject", roleChange.Id),
            (coOwnerClient, $"/a/{account.Id}/approvals?handler=Approve", addressChange.Id),
            (coOwnerClient, $"/a/{account.Id}/approvals?handler=Reject", addressChange.Id),
            (ownerClient, $"/a/{account.Id}/approvals?handler=Withdraw", addressChange.Id),
        };
        foreach (var (client, url, changeId) in forms)
        {
            var forged = await client.Http.PostAsync(new Uri(url, UriKind.Relative),
                new FormUrlEncodedContent(new Dictionary<string, string> { ["changeId"] = changeId.ToString(), ["reason"] = "Forged" }));
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }
        var forgedAddress = await ownerClient.Http.PostAsync(new Uri($"/a/{account.Id}/company?handler=Address", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Form.Lines"] = "3 Other", ["Form.City"] = "X", ["Form.PostalCode"] = "1", ["Form.Country"] = "Y" }));
        Assert.Equal(HttpStatusCode.BadRequest, forgedAddress.StatusCode);
        var forgedManager = await adminClient.Http.PostAsync(new Uri($"/staff/accounts/{account.Id}?handler=Manager", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["managerId"] = admin.Id.ToString() }));
        Assert.Equal(HttpStatusCode.BadRequest, forgedManager.StatusCode);
        var forgedRule = await adminClient.Http.PostAsync(new Uri("/staff/approvals/rules", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Form.Kind"] = ChangeKinds.AccountAddress, ["Form.Approver"] = nameof(ApproverKind.StaffAdmin) }));
        Assert.Equal(HttpStatusCode.BadRequest, forgedRule.StatusCode);

        Assert.All(await app.ChangesAsync(account.Id), c => Assert.Equal(ChangeStatus.Pending, c.Status));
        Assert.Equal(BuiltInRoles.Viewer, await app.RoleOfAsync(person.Id));
        var stored = await app.WithDbAsync((db, _) => db.Accounts.SingleAsync(a => a.Id == account.Id));
        Assert.Null(stored.Address);
        Assert.Null(stored.AccountManagerId);
        Assert.Equal(ApproverKind.AccountOwner, await app.WithDbAsync((db, _) => db.ApprovalRules.Where(r => r.Kind == ChangeKinds.AccountAddress).Select(r => r.Approver).SingleAsync()));
    }

    [Fact]
    public async Task Eight_asks_for_the_same_change_at_once_hold_one_and_refuse_the_rest_clearly()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        await app.AddOwnerAsync(account);
        using var ownerClient = await app.SignInAsync(owner);

        // An Owner pressing Save again and again on a slow line: every post asks for an address change at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => ownerClient.RequestAddressAsync(account.Id, $"{i + 1} Rush Street")));

        var change = Assert.Single(await app.ChangesAsync(account.Id));
        Assert.Equal(ChangeStatus.Pending, change.Status);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Redirect);
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Redirect))
        {
            Assert.Contains("already waiting for approval", await PorticoClient.ActionErrorAsync(refused, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        }
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ApprovalRequested && e.AccountId == account.Id)));
        Assert.Null(await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.AddressLines).SingleAsync()));
    }

    [Fact]
    public async Task The_requester_withdraws_their_own_request_and_nobody_else_can()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var coOwner = await app.AddOwnerAsync(account);
        using var ownerClient = await app.SignInAsync(owner);
        ApprovalSteps.Redirected(await ownerClient.RequestAddressAsync(account.Id, "4 Withdrawn Way"));
        var change = Assert.Single(await app.ChangesAsync(account.Id));
        using var coOwnerClient = await app.SignInAsync(coOwner);

        var notTheirs = await coOwnerClient.DecideAsync($"/a/{account.Id}/approvals", "Withdraw", change.Id);
        Assert.Equal(HttpStatusCode.Forbidden, notTheirs.StatusCode);
        Assert.Equal(ChangeStatus.Pending, (await app.ChangeAsync(change.Id)).Status);

        ApprovalSteps.Redirected(await ownerClient.DecideAsync($"/a/{account.Id}/approvals", "Withdraw", change.Id));

        Assert.Equal(ChangeStatus.Withdrawn, (await app.ChangeAsync(change.Id)).Status);
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ApprovalWithdrawn, change.Id.ToString()));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ApprovalRefused, change.Id.ToString()));
        var late = await coOwnerClient.DecideAsync($"/a/{account.Id}/approvals", "Approve", change.Id, "Too late");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, late.StatusCode);
        Assert.Null(await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.AddressLines).SingleAsync()));
    }

    [Fact]
    public async Task The_address_form_explains_bad_input_and_needs_the_permission()
    {
        var (account, owner, ownerClient) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);

        var bad = await ownerClient.RequestAddressAsync(account.Id, "5 Somewhere", city: "", postalCode: new string('9', 30));

        var errors = await PorticoClient.ActionErrorAsync(bad, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Enter the city.", errors, StringComparison.Ordinal);
        Assert.Contains("Keep the postal code under 20 characters.", errors, StringComparison.Ordinal);
        Assert.Empty(await app.ChangesAsync(account.Id));

        var billing = await app.CreateMemberAsync(account, BuiltInRoles.Billing);
        using var billingClient = await app.SignInAsync(billing);
        var company = await billingClient.GetPageAsync($"/a/{account.Id}/company");
        Assert.Null(company.QuerySelector("#address-lines"));
        var denied = await billingClient.PostFormAsync($"/a/{account.Id}/company?handler=Address", company, new Dictionary<string, string>
        {
            ["Form.Lines"] = "6 Denied", ["Form.City"] = "Paris", ["Form.PostalCode"] = "75001", ["Form.Country"] = "France",
        });
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Empty(await app.ChangesAsync(account.Id));
    }
}
