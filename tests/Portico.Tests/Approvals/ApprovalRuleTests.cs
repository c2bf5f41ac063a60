namespace Portico.Tests.Approvals;

/// The approval rules and the account manager, as staff admins set them.
/// The default rules: Owner and Billing grants wait for the account manager, an address change for another Owner.
public sealed class ApprovalRuleTests(PorticoApp app) : AppTests
{
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
