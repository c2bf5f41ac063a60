namespace Portico.Tests.Staff;

[Collection(AppCollection.Name)]
public sealed class MembershipRoleTests(PorticoApp app)
{
    private async Task<Guid> RoleIdAsync(string name) => await app.WithDbAsync((db, _) => db.Roles.Where(r => r.Name == name).Select(r => r.Id).SingleAsync());

    [Fact]
    public async Task An_admin_changes_a_role_which_is_audited_and_emailed_to_the_person()
    {
        var account = await app.CreateAccountAsync();
        var owner = await app.CreateUserAsync();
        var person = await app.CreateUserAsync();
        await app.AddMemberAsync(account, owner, BuiltInRoles.Owner);
        var membership = await app.AddMemberAsync(account, person, BuiltInRoles.Viewer);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var page = await client.GetPageAsync($"/staff/accounts/{account.Id}");

        var response = await client.PostFormAsync($"/staff/accounts/{account.Id}?handler=ChangeRole", page, new Dictionary<string, string>
        {
            ["membershipId"] = membership.Id.ToString(),
            // A role no approval rule covers is changed at once (Billing and Owner wait for approval).
            ["roleId"] = (await RoleIdAsync(BuiltInRoles.Requester)).ToString(),
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var role = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.Id == membership.Id).Select(m => m.Role.Name).SingleAsync());
        Assert.Equal(BuiltInRoles.Requester, role);
        var details = await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == AuditActions.MembershipRoleChanged && e.TargetId == membership.Id.ToString()).Select(e => e.Details).SingleAsync());
        Assert.Contains("\"to\":\"Requester\"", details, StringComparison.Ordinal);
        var email = await app.Mail.WaitForAsync(m => m.Contains(person.Email!, StringComparison.Ordinal) && m.Contains("role", StringComparison.Ordinal));
        Assert.Contains("is now Requester (was Viewer)", email, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_membership_id_from_another_account_answers_404_and_changes_nothing()
    {
        var (account, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var other = await app.CreateAccountAsync();
        var victim = await app.CreateUserAsync();
        var foreign = await app.AddMemberAsync(other, victim, BuiltInRoles.Viewer);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var page = await client.GetPageAsync($"/staff/accounts/{account.Id}");

        var response = await client.PostFormAsync($"/staff/accounts/{account.Id}?handler=ChangeRole", page, new Dictionary<string, string>
        {
            ["membershipId"] = foreign.Id.ToString(),
            ["roleId"] = (await RoleIdAsync(BuiltInRoles.Owner)).ToString(),
        });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var role = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.Id == foreign.Id).Select(m => m.Role.Name).SingleAsync());
        Assert.Equal(BuiltInRoles.Viewer, role);
    }

    [Fact]
    public async Task The_last_owner_cannot_be_demoted()
    {
        var account = await app.CreateAccountAsync();
        var owner = await app.CreateUserAsync();
        var membership = await app.AddMemberAsync(account, owner, BuiltInRoles.Owner);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var page = await client.GetPageAsync($"/staff/accounts/{account.Id}");

        var response = await client.PostFormAsync($"/staff/accounts/{account.Id}?handler=ChangeRole", page, new Dictionary<string, string>
        {
            ["membershipId"] = membership.Id.ToString(),
            ["roleId"] = (await RoleIdAsync(BuiltInRoles.Viewer)).ToString(),
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var after = await PorticoClient.ParseAsync(response);
        Assert.Contains("last Owner", after.QuerySelector("[data-testid=action-error]")!.TextContent, StringComparison.Ordinal);
        var role = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.Id == membership.Id).Select(m => m.Role.Name).SingleAsync());
        Assert.Equal(BuiltInRoles.Owner, role);
    }

    [Fact]
    public async Task Agents_see_accounts_but_cannot_change_roles()
    {
        var account = await app.CreateAccountAsync();
        var person = await app.CreateUserAsync();
        var membership = await app.AddMemberAsync(account, person, BuiltInRoles.Viewer);
        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        using var client = await app.SignInAsync(agent);
        var page = await client.GetPageAsync($"/staff/accounts/{account.Id}");
        Assert.Empty(page.QuerySelectorAll("select[name=roleId]"));

        var response = await client.PostFormAsync($"/staff/accounts/{account.Id}?handler=ChangeRole", page, new Dictionary<string, string>
        {
            ["membershipId"] = membership.Id.ToString(),
            ["roleId"] = (await RoleIdAsync(BuiltInRoles.Owner)).ToString(),
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var role = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.Id == membership.Id).Select(m => m.Role.Name).SingleAsync());
        Assert.Equal(BuiltInRoles.Viewer, role);
    }

    [Fact]
    public async Task Customers_cannot_reach_the_staff_console()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var client = await app.SignInAsync(user);
        foreach (var path in new[] { "/staff", "/staff/accounts", "/staff/roles", "/staff/audit" })
        {
            var response = await client.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    [Fact]
    public async Task An_admin_creates_a_custom_role_and_bad_input_is_explained()
    {
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var page = await client.GetPageAsync("/staff/roles");
        var name = "Contractor " + PorticoApp.Unique();

        var bad = await client.PostFormAsync("/staff/roles", page, new Dictionary<string, string> { ["Form.Name"] = "", ["Form.Permissions"] = "no.such.permission" });
        var badPage = await PorticoClient.ParseAsync(bad);
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("Give the role a name.", badPage.QuerySelector(".alert.error")!.TextContent, StringComparison.Ordinal);

        var values = new List<KeyValuePair<string, string>>
        {
            new("Form.Name", name), new("Form.Permissions", Permissions.RequestsView), new("Form.Permissions", Permissions.DocumentsView),
            new("__RequestVerificationToken", PorticoClient.Token(page)),
        };
        var good = await client.Http.PostAsync(new Uri("/staff/roles", UriKind.Relative), new FormUrlEncodedContent(values));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var stored = await app.WithDbAsync((db, _) => db.Roles.SingleAsync(r => r.Name == name));
        Assert.Equal([Permissions.DocumentsView, Permissions.RequestsView], stored.Permissions);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.RoleCreated && e.TargetId == stored.Id.ToString())));
    }
}
