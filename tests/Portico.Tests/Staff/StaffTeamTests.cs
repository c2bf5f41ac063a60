using Portico.Features.Staff;

namespace Portico.Tests.Staff;

/// Staff Admins add the rest of the staff, change their role or take their access away, from /staff/team.
public sealed class StaffTeamTests(PorticoApp app) : AppTests
{
    private static async Task<HttpResponseMessage> PostAsync(PorticoClient client, string handler, Dictionary<string, string> fields) =>
        await client.PostFormAsync($"/staff/team?handler={handler}", await client.GetPageAsync("/staff/team"), fields);

    private static Dictionary<string, string> NewMember(string email, string role) => new() { ["email"] = email, ["name"] = "Nia Agent", ["role"] = role };

    private static Uri Url(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task An_admin_adds_an_agent_who_chooses_a_password_from_the_emailed_link_and_works_the_queue_but_not_the_team()
    {
        using var admin = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));
        var email = $"nia-{PorticoApp.Unique()}@example.com";

        var added = await PostAsync(admin, "Add", NewMember(email, "Agent"));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var member = await app.WithDbAsync((db, _) => db.Users.SingleAsync(u => u.Email == email));
        Assert.Equal((StaffRole.Agent, "Nia Agent", null), (member.StaffRole, member.DisplayName, member.PasswordHash));
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.StaffMemberAdded && e.TargetId == member.Id.ToString())));
        var team = await admin.GetPageAsync("/staff/team");
        Assert.Contains(team.QuerySelectorAll("[data-testid=staff-member]"), row => row.GetAttribute("data-user") == member.Id.ToString()
            && row.TextContent.Contains("Has not chosen a password yet", StringComparison.Ordinal));

        var link = await app.Mail.LinkAsync(email, "/setup/");
        using var agent = app.Anonymous();
        var page = await agent.GetPageAsync(link);
        var set = await agent.PostFormAsync(link + "?handler=Password", page,
            new Dictionary<string, string> { ["NewPassword.Password"] = PorticoApp.Password, ["NewPassword.ConfirmPassword"] = PorticoApp.Password });
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.Http.GetAsync(Url("/staff/requests"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.Http.GetAsync(Url("/staff/team"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.Http.GetAsync(Url("/staff/invoices"))).StatusCode);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_message_and_creates_or_changes_nothing()
    {
        using var admin = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));
        var (_, customer) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var email = $"nobody-{PorticoApp.Unique()}@example.com";
        var before = await app.WithDbAsync((db, _) => db.Users.CountAsync());

        foreach (var (fields, message) in new[]
        {
            (NewMember("", "Agent"), "email address"),
            (NewMember("not an address", "Agent"), "email address"),
            (NewMember(customer.Email!, "Agent"), "already belongs to a person"),
            (NewMember(email, "Owner"), "Choose the staff role"),
            (NewMember(email, "7"), "Choose the staff role"),
            (NewMember(email, ""), "Choose the staff role"),
        })
        {
            var response = await PostAsync(admin, "Add", fields);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains(message, (await PorticoClient.ParseAsync(response)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        }
        Assert.Equal(before, await app.WithDbAsync((db, _) => db.Users.CountAsync()));

        // A role that is not one is never read as "no staff access".
        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        foreach (var wrong in new[] { "Owner", "9", "admin " })
        {
            var response = await PostAsync(admin, "Role", new() { ["userId"] = agent.Id.ToString(), ["role"] = wrong });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        }
        // Nor is a customer or an unknown person made staff through the role form.
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(admin, "Role", new() { ["userId"] = customer.Id.ToString(), ["role"] = "Admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(admin, "Role", new() { ["userId"] = Guid.NewGuid().ToString(), ["role"] = "Admin" })).StatusCode);
        var roles = await app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == agent.Id || u.Id == customer.Id).ToDictionaryAsync(u => u.Id, u => u.StaffRole));
        Assert.Equal(StaffRole.Agent, roles[agent.Id]);
        Assert.Null(roles[customer.Id]);
    }

    [Fact]
    public async Task Only_admins_see_the_team_or_change_it()
    {
        var target = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        var (_, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        foreach (var who in new[] { await app.CreateUserAsync(staffRole: StaffRole.Agent), await app.CreateUserAsync(staffRole: StaffRole.Finance), owner })
        {
            using var client = await app.SignInAsync(who);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(Url("/staff/team"))).StatusCode);
            var email = $"sneaky-{PorticoApp.Unique()}@example.com";
            var add = await client.PostFormAsync("/staff/team?handler=Add", await client.GetPageAsync("/account/profile"), NewMember(email, "Admin"));
            Assert.Equal(HttpStatusCode.Forbidden, add.StatusCode);
            var role = await client.PostFormAsync("/staff/team?handler=Role", await client.GetPageAsync("/account/profile"),
                new Dictionary<string, string> { ["userId"] = target.Id.ToString(), ["role"] = "Admin" });
            Assert.Equal(HttpStatusCode.Forbidden, role.StatusCode);
            Assert.False(await app.WithDbAsync((db, _) => db.Users.AnyAsync(u => u.Email == email)));
        }
        Assert.Equal(StaffRole.Agent, await app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == target.Id).Select(u => u.StaffRole).SingleAsync()));
    }

    [Fact]
    public async Task A_role_change_signs_the_person_out_and_they_come_back_with_the_new_role_and_nobody_changes_their_own()
    {
        var adminUser = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var admin = await app.SignInAsync(adminUser);
        var person = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        using (var before = await app.SignInAsync(person))
        {
            Assert.Equal(HttpStatusCode.OK, (await before.Http.GetAsync(Url("/staff/requests"))).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(admin, "Role", new() { ["userId"] = person.Id.ToString(), ["role"] = "Finance" })).StatusCode);
            var after = await before.Http.GetAsync(Url("/staff/requests"));
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
            Assert.Equal("/login", after.Headers.Location!.AbsolutePath);
        }
        using (var finance = await app.SignInAsync(person))
        {
            Assert.Equal(HttpStatusCode.OK, (await finance.Http.GetAsync(Url("/staff/invoices"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await finance.Http.GetAsync(Url("/staff/requests"))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(admin, "Role", new() { ["userId"] = person.Id.ToString(), ["role"] = "" })).StatusCode);
        using (var former = await app.SignInAsync(person))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await former.Http.GetAsync(Url("/staff"))).StatusCode);
        }
        var details = await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == AuditActions.StaffRoleChanged && e.TargetId == person.Id.ToString())
            .OrderBy(e => e.Sequence).Select(e => e.Details).ToListAsync());
        Assert.Equal(2, details.Count);
        Assert.Contains("\"to\":\"none\"", details[1], StringComparison.Ordinal);

        var own = await PostAsync(admin, "Role", new() { ["userId"] = adminUser.Id.ToString(), ["role"] = "Agent" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, own.StatusCode);
        Assert.Contains(StaffTeam.NotYourself, (await PorticoClient.ParseAsync(own)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(StaffRole.Admin, await app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == adminUser.Id).Select(u => u.StaffRole).SingleAsync()));
    }
}

/// On a portal of its own, so the number of Admins is known.
public sealed class LastStaffAdminTests : OwnAppTests<EmptyPortalApp>
{
    [Fact]
    public async Task Two_admins_taking_each_others_admin_role_at_once_leave_the_portal_one_admin()
    {
        var first = await App.CreateUserAsync(staffRole: StaffRole.Admin);
        var second = await App.CreateUserAsync(staffRole: StaffRole.Admin);
        using var a = await App.SignInAsync(first);
        using var b = await App.SignInAsync(second);
        var pages = await Task.WhenAll(a.GetPageAsync("/staff/team"), b.GetPageAsync("/staff/team"));

        var responses = await Task.WhenAll(
            a.PostFormAsync("/staff/team?handler=Role", pages[0], new Dictionary<string, string> { ["userId"] = second.Id.ToString(), ["role"] = "Agent" }),
            b.PostFormAsync("/staff/team?handler=Role", pages[1], new Dictionary<string, string> { ["userId"] = first.Id.ToString(), ["role"] = "Agent" }));

        // The one that waited is refused, or finds itself signed out by the other's change; either way one change is made.
        Assert.Single(responses, r => r.Headers.Location?.OriginalString.StartsWith("/staff/team?done=", StringComparison.Ordinal) == true);
        Assert.Equal(1, await App.WithDbAsync((db, _) => db.Users.CountAsync(u => u.StaffRole == StaffRole.Admin)));
    }
}
