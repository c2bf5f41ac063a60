namespace Portico.Tests.Approvals;

/// Changes that wait for approval and what happens once they are approved.
/// The default rules: Owner and Billing grants wait for the account manager, an address change for another Owner.
public sealed class ApprovedChangeTests(PorticoApp app) : AppTests
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
        var approver = await app.CreateMemberAsync(account, BuiltInRoles.Owner);
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
    public async Task A_change_without_a_rule_applies_at_once()
    {
        var (account, owner, person) = await app.AccountWithViewerAsync();
        using var ownerClient = await app.SignInAsync(owner);

        ApprovalSteps.Redirected(await ownerClient.ChangeRoleAsync(account.Id, person.Id, await app.RoleIdAsync(BuiltInRoles.Requester)));

        Assert.Equal(BuiltInRoles.Requester, await app.RoleOfAsync(person.Id));
        Assert.Empty(await app.ChangesAsync(account.Id));
    }

    [Fact]
    public async Task Approval_checks_again_that_the_change_still_makes_sense()
    {
        var (account, owner, person) = await app.AccountWithViewerAsync();
        using var ownerClient = await app.SignInAsync(owner);
        var change = await app.AskToMakeOwnerAsync(ownerClient, account, person);
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

        Assert.Contains("no longer has access", await PorticoClient.ActionErrorAsync(approved, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        Assert.Equal(ChangeStatus.Pending, (await app.ChangeAsync(change.Id)).Status);
        Assert.Equal(0, await app.AuditCountAsync(AuditActions.ApprovalApproved, change.Id.ToString()));
    }

    [Fact]
    public async Task An_invitation_with_a_role_that_needs_approval_is_sent_only_once_approved()
    {
        var (account, owner, ownerClient) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
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
}
