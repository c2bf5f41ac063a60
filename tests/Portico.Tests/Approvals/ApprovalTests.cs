using System.Net;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Features.Approvals;
using Portico.Features.Audit;
using Portico.Features.Identity;
using Portico.Features.Webhooks;
using Portico.Tests.Infrastructure;
using Portico.Tests.Webhooks;

namespace Portico.Tests.Approvals;

/// The default rules: Owner and Billing grants wait for the account manager, an address change for another Owner.
[Collection(AppCollection.Name)]
public sealed class ApprovalTests(PorticoApp app)
{
    [Fact]
    public async Task Granting_Billing_waits_for_the_account_manager_and_is_applied_when_they_approve()
    {
        var (account, owner, person) = await app.AccountWithViewerAsync();
        var manager = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);
        var staffPage = await adminClient.GetPageAsync($"/staff/accounts/{account.Id}");
        ApprovalSteps.Redirected(await adminClient.PostFormAsync($"/staff/accounts/{account.Id}?handler=Manager", staffPage,
            new Dictionary<string, string> { ["managerId"] = manager.Id.ToString() }));
        Assert.Equal(manager.Id, await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.AccountManagerId).SingleAsync()));
        using var ownerClient = await app.SignInAsync(owner);

        var asked = await ownerClient.ChangeRoleAsync(account.Id, person.Id, await app.RoleIdAsync(BuiltInRoles.Billing));

        ApprovalSteps.Redirected(asked);
        Assert.Equal(BuiltInRoles.Viewer, await app.RoleOfAsync(person.Id));
        var change = Assert.Single(await app.ChangesAsync(account.Id));
        Assert.Equal(ChangeStatus.Pending, change.Status);
        Assert.Equal(ApproverKind.AccountManager, change.Approver);
        Assert.Equal(owner.Id, change.RequestedById);
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ApprovalRequested, change.Id.ToString()));
        // The requester sees it waiting and may withdraw it, but it is not theirs to approve.
        var ownerView = await ownerClient.GetPageAsync($"/a/{account.Id}/approvals");
        var item = Assert.Single(ownerView.QuerySelectorAll("[data-testid=pending-change]"));
        Assert.Contains("Billing", item.TextContent, StringComparison.Ordinal);
        Assert.Empty(item.QuerySelectorAll("textarea[name=reason]"));
        Assert.Contains("Withdraw", item.TextContent, StringComparison.Ordinal);

        using var managerClient = await app.SignInAsync(manager);
        await app.Mail.WaitForAsync(m => m.Contains(manager.Email!, StringComparison.Ordinal) && m.Contains("waiting for your approval", StringComparison.Ordinal));
        Assert.Equal("1", (await managerClient.GetPageAsync("/staff")).QuerySelector("[data-testid=approvals-waiting]")!.TextContent.Trim());
        var queue = await managerClient.GetPageAsync("/staff/approvals");
        Assert.Contains(queue.QuerySelectorAll("[data-testid=pending-change]"), li => li.GetAttribute("data-change-id") == change.Id.ToString()
            && li.QuerySelector("textarea[name=reason]") is not null);
        var reason = "Confirmed-by-phone-" + PorticoApp.Unique();
        var approved = await managerClient.DecideAsync("/staff/approvals", "Approve", change.Id, reason);

        ApprovalSteps.Redirected(approved);
        Assert.Equal(BuiltInRoles.Billing, await app.RoleOfAsync(person.Id));
        Assert.Equal("0", (await managerClient.GetPageAsync("/staff")).QuerySelector("[data-testid=approvals-waiting]")!.TextContent.Trim());
        var decided = await app.ChangeAsync(change.Id);
        Assert.Equal(ChangeStatus.Approved, decided.Status);
        Assert.Equal(reason, decided.Reason);
        Assert.Equal(manager.Id, decided.DecidedById);
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ApprovalApproved, change.Id.ToString()));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.MembershipRoleChanged, person.Id.ToString()));
        var toRequester = await app.Mail.WaitForAsync(m => m.Contains(owner.Email!, StringComparison.Ordinal) && m.Contains(reason, StringComparison.Ordinal));
        Assert.Contains("was approved", toRequester, StringComparison.Ordinal);
        var personEmail = await app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == person.UserId).Select(u => u.Email!).SingleAsync());
        await app.Mail.WaitForAsync(m => m.Contains(personEmail, StringComparison.Ordinal) && m.Contains("is now Billing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_approved_address_change_goes_to_the_system_of_record_and_the_requester_is_told()
    {
        using var receiver = new WebhookReceiver();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);
        var webhooks = await adminClient.GetPageAsync("/staff/webhooks");
        var registered = await adminClient.Http.PostAsync(new Uri("/staff/webhooks?handler=Create", UriKind.Relative), new FormUrlEncodedContent(
        [
            new("url", receiver.Url), new("description", "CRM"), new("events", WebhookEvents.AccountAddressChanged),
            new("__RequestVerificationToken", PorticoClient.Token(webhooks)),
        ]));
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var (account, asker) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var approver = await app.CreateUserAsync();
        await app.AddMemberAsync(account, approver, BuiltInRoles.Owner);
        using var askerClient = await app.SignInAsync(asker);
        var street = "12 Rue " + PorticoApp.Unique();

        ApprovalSteps.Redirected(await askerClient.RequestAddressAsync(account.Id, street));

        Assert.Null(await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.AddressLines).SingleAsync()));
        var change = Assert.Single(await app.ChangesAsync(account.Id));
        Assert.Equal(ApproverKind.AccountOwner, change.Approver);
        var company = await askerClient.GetPageAsync($"/a/{account.Id}/company");
        Assert.Equal("Not recorded yet", company.QuerySelector("[data-testid=company-address]")!.TextContent.Trim());
        Assert.Contains(street, company.QuerySelector("[data-testid=pending-address]")!.TextContent, StringComparison.Ordinal);
        await app.Mail.WaitForAsync(m => m.Contains(approver.Email!, StringComparison.Ordinal) && m.Contains("waiting for your approval", StringComparison.Ordinal));
        using var approverClient = await app.SignInAsync(approver);
        var dashboard = await approverClient.GetPageAsync($"/a/{account.Id}");
        Assert.Contains("1 approval waiting for you", dashboard.QuerySelector("[data-testid=approvals-waiting]")!.TextContent, StringComparison.Ordinal);
        var askerDashboard = await askerClient.GetPageAsync($"/a/{account.Id}");
        Assert.Null(askerDashboard.QuerySelector("[data-testid=approvals-waiting]"));

        var reason = "Moved-offices-" + PorticoApp.Unique();
        ApprovalSteps.Redirected(await approverClient.DecideAsync($"/a/{account.Id}/approvals", "Approve", change.Id, reason));

        var stored = await app.WithDbAsync((db, _) => db.Accounts.SingleAsync(a => a.Id == account.Id));
        Assert.Equal(new CompanyAddress(street, "Lyon", "69002", "France"), stored.Address);
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.AccountAddressChanged, account.Id.ToString()));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ApprovalApproved, change.Id.ToString()));
        var delivery = (await receiver.WaitForAsync(1)).Single();
        Assert.Equal(WebhookEvents.AccountAddressChanged, delivery.Headers["Portico-Event"]);
        Assert.Contains(account.Id.ToString(), delivery.Body, StringComparison.Ordinal);
        Assert.Contains(street, delivery.Body, StringComparison.Ordinal);
        var mail = await app.Mail.WaitForAsync(m => m.Contains(asker.Email!, StringComparison.Ordinal) && m.Contains(reason, StringComparison.Ordinal));
        Assert.Contains("was approved", mail, StringComparison.Ordinal);
        Assert.Equal(street, (await askerClient.GetPageAsync($"/a/{account.Id}/company")).QuerySelector("[data-testid=company-address]")!.TextContent.Split(',')[0].Trim());
    }

    [Fact]
    public async Task An_address_change_by_the_only_owner_goes_to_the_account_manager()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var manager = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        await app.WithDbAsync(async db =>
        {
            (await db.Accounts.SingleAsync(a => a.Id == account.Id)).AssignManager(manager.Id);
            await db.SaveChangesAsync();
        });
        using var ownerClient = await app.SignInAsync(owner);
        var street = "3 Quai " + PorticoApp.Unique();

        ApprovalSteps.Redirected(await ownerClient.RequestAddressAsync(account.Id, street));

        var change = Assert.Single(await app.ChangesAsync(account.Id));
        Assert.Equal(ApproverKind.AccountManager, change.Approver);
        await app.Mail.WaitForAsync(m => m.Contains(manager.Email!, StringComparison.Ordinal) && m.Contains("waiting for your approval", StringComparison.Ordinal));
        using var managerClient = await app.SignInAsync(manager);
        ApprovalSteps.Redirected(await managerClient.DecideAsync("/staff/approvals", "Approve", change.Id, "Checked with the owner"));
        var stored = await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.AddressLines).SingleAsync());
        Assert.Equal(street, stored);
    }

    [Fact]
    public async Task A_rejection_needs_a_reason_and_applies_nothing()
    {
        var (account, owner, person) = await app.AccountWithViewerAsync();
        using var ownerClient = await app.SignInAsync(owner);
        ApprovalSteps.Redirected(await ownerClient.ChangeRoleAsync(account.Id, person.Id, await app.RoleIdAsync(BuiltInRoles.Owner)));
        var change = Assert.Single(await app.ChangesAsync(account.Id));
        // Without an account manager any staff admin decides.
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);

        var missing = await adminClient.DecideAsync("/staff/approvals", "Reject", change.Id, "   ");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Contains("Give a reason for rejecting.", (await PorticoClient.ParseAsync(missing)).QuerySelector("[data-testid=action-error]")!.TextContent, StringComparison.Ordinal);
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
        var coOwner = await app.CreateUserAsync();
        await app.AddMemberAsync(account, coOwner, BuiltInRoles.Owner);
        using var ownerClient = await app.SignInAsync(owner);
        ApprovalSteps.Redirected(await ownerClient.ChangeRoleAsync(account.Id, person.Id, await app.RoleIdAsync(BuiltInRoles.Billing)));
        ApprovalSteps.Redirected(await ownerClient.RequestAddressAsync(account.Id, "1 Refused Street"));
        var changes = await app.ChangesAsync(account.Id);
        var roleChange = changes.Single(c => c.Type == ChangeTypes.RoleChange);
        var addressChange = changes.Single(c => c.Type == ChangeTypes.Address);

        // Another account's Owner, through their own account: the change is not found there.
        var (otherAccount, outsider) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var outsiderClient = await app.SignInAsync(outsider);
        var foreign = await outsiderClient.DecideAsync($"/a/{otherAccount.Id}/approvals", "Approve", addressChange.Id, "Looks fine");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        // ...and through the victim's account: not a member, so 404 before anything is read.
        var direct = await outsiderClient.Http.PostAsync(new Uri($"/a/{account.Id}/approvals?handler=Approve", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["changeId"] = addressChange.Id.ToString(), ["reason"] = "x" }));
        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);

        // The requester themself, as an Owner, on both their changes.
        var own = await ownerClient.DecideAsync($"/a/{account.Id}/approvals", "Approve", addressChange.Id, "I approve my own");
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Contains("You may not decide this change.", (await PorticoClient.ParseAsync(own)).QuerySelector("[data-testid=action-error]")!.TextContent, StringComparison.Ordinal);
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
        var coOwner = await app.CreateUserAsync();
        await app.AddMemberAsync(account, coOwner, BuiltInRoles.Owner);
        using var ownerClient = await app.SignInAsync(owner);
        ApprovalSteps.Redirected(await ownerClient.ChangeRoleAsync(account.Id, person.Id, await app.RoleIdAsync(BuiltInRoles.Billing)));
        ApprovalSteps.Redirected(await ownerClient.RequestAddressAsync(account.Id, "2 Forged Lane"));
        var changes = await app.ChangesAsync(account.Id);
        var roleChange = changes.Single(c => c.Type == ChangeTypes.RoleChange);
        var addressChange = changes.Single(c => c.Type == ChangeTypes.Address);
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
    public async Task A_change_without_a_rule_applies_at_once()
    {
        var (account, owner, person) = await app.AccountWithViewerAsync();
        using var ownerClient = await app.SignInAsync(owner);

        ApprovalSteps.Redirected(await ownerClient.ChangeRoleAsync(account.Id, person.Id, await app.RoleIdAsync(BuiltInRoles.Requester)));

        Assert.Equal(BuiltInRoles.Requester, await app.RoleOfAsync(person.Id));
        Assert.Empty(await app.ChangesAsync(account.Id));
    }

    [Fact]
    public async Task The_requester_withdraws_their_own_request_and_nobody_else_can()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var coOwner = await app.CreateUserAsync();
        await app.AddMemberAsync(account, coOwner, BuiltInRoles.Owner);
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
    public async Task Approval_checks_again_that_the_change_still_makes_sense()
    {
        var (account, owner, person) = await app.AccountWithViewerAsync();
        using var ownerClient = await app.SignInAsync(owner);
        ApprovalSteps.Redirected(await ownerClient.ChangeRoleAsync(account.Id, person.Id, await app.RoleIdAsync(BuiltInRoles.Owner)));
        var change = Assert.Single(await app.ChangesAsync(account.Id));
        // A second request for the same person is refused while the first waits.
        var twice = await ownerClient.ChangeRoleAsync(account.Id, person.Id, await app.RoleIdAsync(BuiltInRoles.Billing));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, twice.StatusCode);
        Assert.Contains("already waiting for approval", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var page = await ownerClient.GetPageAsync($"/a/{account.Id}/contacts");
        ApprovalSteps.Redirected(await ownerClient.PostFormAsync($"/a/{account.Id}/contacts?handler=Remove", page,
            new Dictionary<string, string> { ["membershipId"] = person.Id.ToString() }));
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);

        var approved = await adminClient.DecideAsync("/staff/approvals", "Approve", change.Id, "Fine by me");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, approved.StatusCode);
        Assert.Contains("no longer has access", (await PorticoClient.ParseAsync(approved)).QuerySelector("[data-testid=action-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(ChangeStatus.Pending, (await app.ChangeAsync(change.Id)).Status);
        Assert.Equal(0, await app.AuditCountAsync(AuditActions.ApprovalApproved, change.Id.ToString()));
    }

    [Fact]
    public async Task An_invitation_with_a_role_that_needs_approval_is_sent_only_once_approved()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var ownerClient = await app.SignInAsync(owner);
        var invitee = $"billing-{PorticoApp.Unique()}@example.com";
        var page = await ownerClient.GetPageAsync($"/a/{account.Id}/contacts");

        ApprovalSteps.Redirected(await ownerClient.PostFormAsync($"/a/{account.Id}/contacts?handler=Invite", page, new Dictionary<string, string>
        {
            ["email"] = invitee,
            ["roleId"] = (await app.RoleIdAsync(BuiltInRoles.Billing)).ToString(),
        }));

        Assert.Equal(0, await app.WithDbAsync((db, _) => db.Invitations.IgnoreQueryFilters().CountAsync(i => i.AccountId == account.Id)));
        var change = Assert.Single(await app.ChangesAsync(account.Id));
        Assert.Equal(ChangeTypes.Invitation, change.Type);
        var contacts = await ownerClient.GetPageAsync($"/a/{account.Id}/contacts");
        Assert.Contains(invitee, contacts.QuerySelector("[data-testid=awaiting-approval]")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(contacts.QuerySelectorAll("[data-testid=invitation]"));
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);

        ApprovalSteps.Redirected(await adminClient.DecideAsync("/staff/approvals", "Approve", change.Id, "Known contact"));

        var invitation = await app.WithDbAsync((db, _) => db.Invitations.IgnoreQueryFilters().SingleAsync(i => i.AccountId == account.Id));
        Assert.Equal(invitee, invitation.Email);
        Assert.Equal(await app.RoleIdAsync(BuiltInRoles.Billing), invitation.RoleId);
        await app.Mail.WaitForAsync(m => m.Contains(invitee, StringComparison.Ordinal) && m.Contains("/invitations/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_address_form_explains_bad_input_and_needs_the_permission()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var ownerClient = await app.SignInAsync(owner);

        var bad = await ownerClient.RequestAddressAsync(account.Id, "5 Somewhere", city: "", postalCode: new string('9', 30));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var errors = (await PorticoClient.ParseAsync(bad)).QuerySelector("[data-testid=action-error]")!.TextContent;
        Assert.Contains("Enter the city.", errors, StringComparison.Ordinal);
        Assert.Contains("Keep the postal code under 20 characters.", errors, StringComparison.Ordinal);
        Assert.Empty(await app.ChangesAsync(account.Id));

        var billing = await app.CreateUserAsync();
        await app.AddMemberAsync(account, billing, BuiltInRoles.Billing);
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

    [Fact]
    public async Task A_staff_admin_edits_the_rules_and_bad_input_is_explained()
    {
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);
        var roleName = "Contractor " + PorticoApp.Unique();
        await app.WithDbAsync(async db =>
        {
            db.Roles.Add(new Role(roleName, "test", [Permissions.AccountView, Permissions.RequestsView]));
            await db.SaveChangesAsync();
        });
        var page = await adminClient.GetPageAsync("/staff/approvals/rules");
        Assert.Contains(page.QuerySelectorAll("[data-testid=rule]"), r => r.TextContent.Contains(BuiltInRoles.Billing, StringComparison.Ordinal));

        var bad = await adminClient.PostFormAsync("/staff/approvals/rules", page, new Dictionary<string, string>
        {
            ["Form.Kind"] = ChangeKinds.RoleGrant, ["Form.RoleName"] = "", ["Form.Approver"] = nameof(ApproverKind.StaffAdmin),
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("Choose the role this rule is about.", (await PorticoClient.ParseAsync(bad)).QuerySelector(".alert.error")!.TextContent, StringComparison.Ordinal);
        var unknown = await adminClient.PostFormAsync("/staff/approvals/rules", page, new Dictionary<string, string> { ["Form.Kind"] = "account.delete" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        var unknownText = (await PorticoClient.ParseAsync(unknown)).QuerySelector(".alert.error")!.TextContent;
        Assert.Contains("Choose the kind of change from the list.", unknownText, StringComparison.Ordinal);
        Assert.Contains("Choose who approves.", unknownText, StringComparison.Ordinal);

        ApprovalSteps.Redirected(await adminClient.PostFormAsync("/staff/approvals/rules", page, new Dictionary<string, string>
        {
            ["Form.Kind"] = ChangeKinds.RoleGrant, ["Form.RoleName"] = roleName, ["Form.Approver"] = nameof(ApproverKind.StaffAdmin),
        }));
        var rule = await app.WithDbAsync((db, _) => db.ApprovalRules.SingleAsync(r => r.RoleName == roleName));
        Assert.Equal(ApproverKind.StaffAdmin, rule.Approver);
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ApprovalRuleSaved, rule.Id.ToString()));

        // The new rule holds back a grant of that role.
        var (account, owner, person) = await app.AccountWithViewerAsync();
        using var ownerClient = await app.SignInAsync(owner);
        ApprovalSteps.Redirected(await ownerClient.ChangeRoleAsync(account.Id, person.Id, await app.RoleIdAsync(roleName)));
        Assert.Equal(BuiltInRoles.Viewer, await app.RoleOfAsync(person.Id));
        Assert.Equal(ApproverKind.StaffAdmin, Assert.Single(await app.ChangesAsync(account.Id)).Approver);

        // Removed, the same change applies at once.
        ApprovalSteps.Redirected(await adminClient.PostFormAsync("/staff/approvals/rules?handler=Delete", page,
            new Dictionary<string, string> { ["ruleId"] = rule.Id.ToString() }));
        var second = await app.CreateUserAsync();
        var secondMembership = await app.AddMemberAsync(account, second, BuiltInRoles.Viewer);
        ApprovalSteps.Redirected(await ownerClient.ChangeRoleAsync(account.Id, secondMembership.Id, await app.RoleIdAsync(roleName)));
        Assert.Equal(roleName, await app.RoleOfAsync(secondMembership.Id));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ApprovalRuleDeleted, rule.Id.ToString()));

        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        using var agentClient = await app.SignInAsync(agent);
        Assert.Equal(HttpStatusCode.Forbidden, (await agentClient.Http.GetAsync(new Uri("/staff/approvals/rules", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Only_staff_admins_choose_the_account_manager_and_only_among_staff()
    {
        var (account, customer) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        using var agentClient = await app.SignInAsync(agent);
        var agentPage = await agentClient.GetPageAsync($"/staff/accounts/{account.Id}");
        Assert.Null(agentPage.QuerySelector("select[name=managerId]"));

        var byAgent = await agentClient.PostFormAsync($"/staff/accounts/{account.Id}?handler=Manager", agentPage,
            new Dictionary<string, string> { ["managerId"] = agent.Id.ToString() });

        Assert.Equal(HttpStatusCode.Forbidden, byAgent.StatusCode);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);
        var page = await adminClient.GetPageAsync($"/staff/accounts/{account.Id}");
        ApprovalSteps.Redirected(await adminClient.PostFormAsync($"/staff/accounts/{account.Id}?handler=Manager", page,
            new Dictionary<string, string> { ["managerId"] = customer.Id.ToString() }));
        Assert.Contains("Choose a staff member", (await adminClient.GetPageAsync($"/staff/accounts/{account.Id}")).QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.AccountManagerId).SingleAsync()));

        ApprovalSteps.Redirected(await adminClient.PostFormAsync($"/staff/accounts/{account.Id}?handler=Manager", page,
            new Dictionary<string, string> { ["managerId"] = agent.Id.ToString() }));
        Assert.Equal(agent.Id, await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.AccountManagerId).SingleAsync()));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.AccountManagerChanged, account.Id.ToString()));
        using var customerClient = await app.SignInAsync(customer);
        Assert.Contains(agent.DisplayName, (await customerClient.GetPageAsync($"/a/{account.Id}/company")).QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }
}
