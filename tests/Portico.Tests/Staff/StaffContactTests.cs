namespace Portico.Tests.Staff;

public sealed class StaffContactTests(PorticoApp app) : AppTests
{
    private async Task<Guid> RoleIdAsync(string name) => await app.WithDbAsync((db, _) => db.Roles.Where(r => r.Name == name).Select(r => r.Id).SingleAsync());

    private static Task<HttpResponseMessage> PostAsync(PorticoClient client, Guid accountId, string handler, Dictionary<string, string> fields) =>
        client.SubmitAsync($"/staff/accounts/{accountId}", fields, handler);

    private Task<bool> AuditedByAsync(string action, PorticoUser actor, string targetId) =>
        app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == action && e.ActorUserId == actor.Id && e.TargetId == targetId));

    [Fact]
    public async Task An_admin_invites_from_the_console_and_the_invitation_is_single_use_and_audited_with_the_staff_actor()
    {
        var (account, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var invitee = $"staff-invite-{PorticoApp.Unique()}@example.com";
        var until = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var bad = await PostAsync(client, account.Id, "Invite", new() { ["email"] = "not an address", ["roleId"] = (await RoleIdAsync(BuiltInRoles.Owner)).ToString() });
        Assert.Contains("Enter the email address", await PorticoClient.ActionErrorAsync(bad, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);

        // Staff may give any role, Owner included.
        var invited = await PostAsync(client, account.Id, "Invite", new()
        {
            ["email"] = invitee, ["roleId"] = (await RoleIdAsync(BuiltInRoles.Owner)).ToString(), ["accessUntil"] = until,
        });
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var invitation = await app.WithDbAsync((db, _) => db.Invitations.IgnoreQueryFilters().SingleAsync(i => i.Email == invitee));
        Assert.True(await AuditedByAsync(AuditActions.InvitationCreated, admin, invitation.Id.ToString()));
        var page = await client.GetPageAsync($"/staff/accounts/{account.Id}");
        Assert.Contains(invitee, page.QuerySelector("[data-testid=invitation]")!.TextContent, StringComparison.Ordinal);

        var link = await app.Mail.LinkAsync(invitee, "/invitations/");
        using var newcomer = app.Anonymous();
        var form = await newcomer.GetPageAsync(link);
        var joined = await newcomer.PostFormAsync(link + "?handler=Register", form, new Dictionary<string, string>
        {
            ["Form.Name"] = "Invited By Staff", ["Form.Password"] = "A-good-long-password-1", ["Form.ConfirmPassword"] = "A-good-long-password-1",
        });
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        var membership = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters()
            .Where(m => m.AccountId == account.Id && m.User.Email == invitee).Select(m => new { Role = m.Role.Name, m.ExpiresAt }).SingleAsync());
        Assert.Equal(BuiltInRoles.Owner, membership.Role);
        Assert.NotNull(membership.ExpiresAt);

        using var again = app.Anonymous();
        Assert.Equal(HttpStatusCode.Gone, (await again.Http.GetAsync(new Uri(link, UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task An_admin_sets_and_clears_an_end_date_and_removes_a_person_but_never_the_last_owner()
    {
        var account = await app.CreateAccountAsync();
        var owner = await app.CreateUserAsync();
        var ownerMembership = await app.AddMemberAsync(account, owner, BuiltInRoles.Owner);
        var contractor = await app.CreateUserAsync();
        var contractorMembership = await app.AddMemberAsync(account, contractor, BuiltInRoles.Auditor);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var until = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(10));

        var set = await PostAsync(client, account.Id, "Expiry", new() { ["membershipId"] = contractorMembership.Id.ToString(), ["accessUntil"] = until.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal(until.ToDateTime(TimeOnly.MinValue), await ExpiresAtAsync(contractorMembership.Id));
        var cleared = await PostAsync(client, account.Id, "Expiry", new() { ["membershipId"] = contractorMembership.Id.ToString(), ["accessUntil"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, cleared.StatusCode);
        Assert.Null(await ExpiresAtAsync(contractorMembership.Id));
        Assert.Equal(2, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.MembershipExpiryChanged
            && e.TargetId == contractorMembership.Id.ToString() && e.ActorUserId == admin.Id)));

        var past = await PostAsync(client, account.Id, "Expiry", new() { ["membershipId"] = contractorMembership.Id.ToString(), ["accessUntil"] = "2001-01-01" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, past.StatusCode);
        Assert.Null(await ExpiresAtAsync(contractorMembership.Id));

        var lastOwnerEnd = await PostAsync(client, account.Id, "Expiry", new() { ["membershipId"] = ownerMembership.Id.ToString(), ["accessUntil"] = until.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, lastOwnerEnd.StatusCode);
        var lastOwnerRemove = await PostAsync(client, account.Id, "Remove", new() { ["membershipId"] = ownerMembership.Id.ToString() });
        Assert.Contains("last Owner", await PorticoClient.ActionErrorAsync(lastOwnerRemove, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().AnyAsync(m => m.Id == ownerMembership.Id && m.ExpiresAt == null)));

        var removed = await PostAsync(client, account.Id, "Remove", new() { ["membershipId"] = contractorMembership.Id.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.False(await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().AnyAsync(m => m.Id == contractorMembership.Id)));
        Assert.True(await AuditedByAsync(AuditActions.MembershipRemoved, admin, contractorMembership.Id.ToString()));
        await app.Mail.WaitForAsync(m => m.Contains(contractor.Email!, StringComparison.Ordinal) && m.Contains("access to", StringComparison.Ordinal));

        // A membership of another account answers 404 and stays.
        var other = await app.CreateAccountAsync();
        var foreign = await app.AddMemberAsync(other, await app.CreateUserAsync(), BuiltInRoles.Viewer);
        var forged = await PostAsync(client, account.Id, "Remove", new() { ["membershipId"] = foreign.Id.ToString() });
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.True(await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().AnyAsync(m => m.Id == foreign.Id)));
    }

    [Fact]
    public async Task Agents_and_finance_see_the_account_but_change_nothing()
    {
        var account = await app.CreateAccountAsync();
        var person = await app.CreateUserAsync();
        var membership = await app.AddMemberAsync(account, person, BuiltInRoles.Viewer);
        foreach (var role in new[] { StaffRole.Agent, StaffRole.Finance })
        {
            var staff = await app.CreateUserAsync(staffRole: role);
            using var client = await app.SignInAsync(staff);
            var page = await client.GetPageAsync($"/staff/accounts/{account.Id}");
            Assert.Null(page.QuerySelector("#invite-email"));
            Assert.Empty(page.QuerySelectorAll("form[action*=handler]"));
            var attempts = new Dictionary<string, Dictionary<string, string>>
            {
                ["Invite"] = new() { ["email"] = $"x-{PorticoApp.Unique()}@example.com", ["roleId"] = (await RoleIdAsync(BuiltInRoles.Owner)).ToString() },
                ["Remove"] = new() { ["membershipId"] = membership.Id.ToString() },
                ["Expiry"] = new() { ["membershipId"] = membership.Id.ToString(), ["accessUntil"] = "2099-01-01" },
                ["RequireMfa"] = new() { ["required"] = "true" },
                ["ResetTwoFactor"] = new() { ["userId"] = person.Id.ToString(), ["reason"] = "lost phone" },
            };
            foreach (var (handler, fields) in attempts)
            {
                var response = await client.PostFormAsync($"/staff/accounts/{account.Id}?handler={handler}", page, fields);
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            }
        }
        Assert.Null(await ExpiresAtAsync(membership.Id));
        Assert.False(await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.RequireMfa).SingleAsync()));
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.Invitations.IgnoreQueryFilters().CountAsync(i => i.AccountId == account.Id)));
    }

    private Task<DateTime?> ExpiresAtAsync(Guid membershipId) =>
        app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.Id == membershipId).Select(m => m.ExpiresAt).SingleAsync());
}
