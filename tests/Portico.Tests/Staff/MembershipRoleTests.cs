namespace Portico.Tests.Staff;

public sealed class MembershipRoleTests(PorticoApp app) : AppTests
{
    private async Task<Guid> RoleIdAsync(string name) => await app.WithDbAsync((db, _) => db.Roles.Where(r => r.Name == name).Select(r => r.Id).SingleAsync());

    private Task<string> RoleOfAsync(Guid membershipId) =>
        app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.Id == membershipId).Select(m => m.Role.Name).SingleAsync());

    /// A person with the role in a new account, and a staff member with the staff role signed in to the console.
    private async Task<(Account Account, PorticoUser Person, Membership Membership, PorticoClient Staff)> MemberAndStaffAsync(string role, StaffRole staffRole = StaffRole.Admin)
    {
        var account = await app.CreateAccountAsync();
        var person = await app.CreateUserAsync();
        var membership = await app.AddMemberAsync(account, person, role);
        return (account, person, membership, await app.SignInAsync(await app.CreateUserAsync(staffRole: staffRole)));
    }

    /// Staff open the account in the console and change the membership's role there.
    private async Task<HttpResponseMessage> ChangeRoleAsync(PorticoClient staff, Guid accountId, Guid membershipId, string roleName)
    {
        var page = await staff.GetPageAsync($"/staff/accounts/{accountId}");
        return await staff.PostFormAsync($"/staff/accounts/{accountId}?handler=ChangeRole", page, new Dictionary<string, string>
        {
            ["membershipId"] = membershipId.ToString(),
            ["roleId"] = (await RoleIdAsync(roleName)).ToString(),
        });
    }

    [Fact]
    public async Task An_admin_changes_a_role_which_is_audited_and_emailed_to_the_person()
    {
        var (account, person, membership, client) = await MemberAndStaffAsync(BuiltInRoles.Viewer);
        using var _ = client;
        await app.CreateMemberAsync(account, BuiltInRoles.Owner);

        // A role no approval rule covers is changed at once (Billing and Owner wait for approval).
        var response = await ChangeRoleAsync(client, account.Id, membership.Id, BuiltInRoles.Requester);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(BuiltInRoles.Requester, await RoleOfAsync(membership.Id));
        var details = await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == AuditActions.MembershipRoleChanged && e.TargetId == membership.Id.ToString()).Select(e => e.Details).SingleAsync());
        Assert.Contains("\"to\":\"Requester\"", details, StringComparison.Ordinal);
        var email = await app.Mail.WaitForAsync(m => m.Contains(person.Email!, StringComparison.Ordinal) && m.Contains("role", StringComparison.Ordinal));
        Assert.Contains("is now Requester (was Viewer)", email, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_membership_id_from_another_account_answers_404_and_changes_nothing()
    {
        var (account, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var (_, _, foreign, client) = await MemberAndStaffAsync(BuiltInRoles.Viewer);
        using var __ = client;

        var response = await ChangeRoleAsync(client, account.Id, foreign.Id, BuiltInRoles.Owner);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(BuiltInRoles.Viewer, await RoleOfAsync(foreign.Id));
    }

    [Fact]
    public async Task The_last_owner_cannot_be_demoted()
    {
        var (account, _, membership, client) = await MemberAndStaffAsync(BuiltInRoles.Owner);
        using var __ = client;

        var response = await ChangeRoleAsync(client, account.Id, membership.Id, BuiltInRoles.Viewer);

        Assert.Contains("last Owner", await PorticoClient.ActionErrorAsync(response, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        Assert.Equal(BuiltInRoles.Owner, await RoleOfAsync(membership.Id));
    }

    [Fact]
    public async Task Agents_see_accounts_but_cannot_change_roles()
    {
        var (account, _, membership, client) = await MemberAndStaffAsync(BuiltInRoles.Viewer, StaffRole.Agent);
        using var __ = client;
        var page = await client.GetPageAsync($"/staff/accounts/{account.Id}");
        Assert.Empty(page.QuerySelectorAll("select[name=roleId]"));

        var response = await ChangeRoleAsync(client, account.Id, membership.Id, BuiltInRoles.Owner);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(BuiltInRoles.Viewer, await RoleOfAsync(membership.Id));
    }

    [Fact]
    public async Task Customers_cannot_reach_the_staff_console()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
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
