namespace Portico.Tests.Contacts;

public sealed partial class InvitationTests(PorticoApp app) : AppTests
{
    private async Task<Guid> RoleIdAsync(string name) => await app.WithDbAsync((db, _) => db.Roles.Where(r => r.Name == name).Select(r => r.Id).SingleAsync());

    private static async Task<HttpResponseMessage> InviteAsync(PorticoClient client, Guid accountId, string email, Guid roleId, string? until = null)
    {
        var page = await client.GetPageAsync($"/a/{accountId}/contacts");
        var fields = new Dictionary<string, string> { ["email"] = email, ["roleId"] = roleId.ToString() };
        if (until is not null)
        {
            fields["accessUntil"] = until;
        }
        return await client.PostFormAsync($"/a/{accountId}/contacts?handler=Invite", page, fields);
    }

    private async Task<string> LinkFromEmailAsync(string email, string path)
    {
        var message = await app.Mail.WaitForAsync(m => m.Contains("To: " + email, StringComparison.OrdinalIgnoreCase) && m.Contains(path, StringComparison.Ordinal));
        // Plain-text mail may fold long lines; undo quoted-printable soft breaks first.
        var text = message.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=\n", "", StringComparison.Ordinal);
        return LinkPattern().Match(text[text.IndexOf(path, StringComparison.Ordinal)..]).Value;
    }

    [GeneratedRegex(@"^/[A-Za-z0-9/_-]+")]
    private static partial Regex LinkPattern();

    [Fact]
    public async Task An_owner_invites_a_new_person_who_sets_a_password_joins_with_the_role_and_the_link_works_once()
    {
        var (account, owner, ownerClient) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        var invitee = $"new-{PorticoApp.Unique()}@example.com";
        var until = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var invited = await InviteAsync(ownerClient, account.Id, invitee, await RoleIdAsync(BuiltInRoles.Auditor), until);
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var link = await LinkFromEmailAsync(invitee, "/invitations/");
        // Only the hash of the token is stored.
        Assert.False(await app.WithDbAsync((db, _) => db.Invitations.IgnoreQueryFilters().AnyAsync(i => i.TokenHash.Contains(link.Substring(13, 20)))));

        using var newcomer = app.Anonymous();
        var page = await newcomer.GetPageAsync(link);
        Assert.Contains(account.Name, page.Body!.TextContent, StringComparison.Ordinal);
        var mismatch = await newcomer.PostFormAsync(link + "?handler=Register", page, new Dictionary<string, string>
        {
            ["Form.Name"] = "New Person", ["Form.Password"] = "A-good-long-password-1", ["Form.ConfirmPassword"] = "Another-password-22",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mismatch.StatusCode);
        Assert.Contains("do not match", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var registered = await newcomer.PostFormAsync(link + "?handler=Register", page, new Dictionary<string, string>
        {
            ["Form.Name"] = "New Person", ["Form.Password"] = "A-good-long-password-1", ["Form.ConfirmPassword"] = "A-good-long-password-1",
        });
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal($"/a/{account.Id}", registered.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await newcomer.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        var membership = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters()
            .Where(m => m.AccountId == account.Id && m.User.Email == invitee).Select(m => new { Role = m.Role.Name, m.ExpiresAt }).SingleAsync());
        Assert.Equal(BuiltInRoles.Auditor, membership.Role);
        Assert.NotNull(membership.ExpiresAt);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.InvitationAccepted && e.AccountId == account.Id)));

        using var again = app.Anonymous();
        var reuse = await again.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, reuse.StatusCode);
        Assert.Contains("already used", await reuse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_links_and_links_opened_by_someone_signed_in_with_another_email_change_nothing()
    {
        var (account, owner, ownerClient) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        var invitee = $"late-{PorticoApp.Unique()}@example.com";
        await InviteAsync(ownerClient, account.Id, invitee, await RoleIdAsync(BuiltInRoles.Viewer));
        var link = await LinkFromEmailAsync(invitee, "/invitations/");

        var stranger = await app.CreateUserAsync();
        using var strangerClient = await app.SignInAsync(stranger);
        var page = await strangerClient.GetPageAsync(link);
        Assert.Contains($"this invitation is for {invitee}", page.QuerySelector("[data-testid=invitation-problem]")!.TextContent, StringComparison.Ordinal);
        var forced = await strangerClient.PostFormAsync(link + "?handler=Accept", page, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.False(await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().AnyAsync(m => m.AccountId == account.Id && m.UserId == stranger.Id)));

        await app.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().Where(i => i.Email == invitee)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresAt, DateTime.UtcNow.AddMinutes(-1))));
        using var anonymous = app.Anonymous();
        var expired = await anonymous.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync((db, _) => db.Users.AnyAsync(u => u.Email == invitee)));
    }

    [Fact]
    public async Task Only_managers_invite_and_nobody_grants_permissions_they_do_not_hold()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var requester = await app.CreateMemberAsync(account, BuiltInRoles.Requester);
        using var requesterClient = await app.SignInAsync(requester);
        var page = await requesterClient.GetPageAsync($"/a/{account.Id}/contacts");
        Assert.Null(page.QuerySelector("#invite-email"));
        var denied = await requesterClient.PostFormAsync($"/a/{account.Id}/contacts?handler=Invite", page,
            new Dictionary<string, string> { ["email"] = "x@example.com", ["roleId"] = (await RoleIdAsync(BuiltInRoles.Viewer)).ToString() });
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        // A people manager without billing access cannot hand out the Billing role.
        var managerRole = "People manager " + PorticoApp.Unique();
        await app.WithDbAsync(async db =>
        {
            db.Roles.Add(new Role(managerRole, "test", [Permissions.AccountView, Permissions.ContactsView, Permissions.ContactsManage, Permissions.RequestsView]));
            await db.SaveChangesAsync();
        });
        var manager = await app.CreateUserAsync();
        await app.AddMemberAsync(account, manager, managerRole);
        using var managerClient = await app.SignInAsync(manager);
        var escalate = await InviteAsync(managerClient, account.Id, $"e-{PorticoApp.Unique()}@example.com", await RoleIdAsync(BuiltInRoles.Billing));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, escalate.StatusCode);
        Assert.Contains("permissions your own role does not", await escalate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var ownerMembership = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.AccountId == account.Id && m.UserId == owner.Id).Select(m => m.Id).SingleAsync());
        var managerPage = await managerClient.GetPageAsync($"/a/{account.Id}/contacts");
        var removeOwner = await managerClient.PostFormAsync($"/a/{account.Id}/contacts?handler=Remove", managerPage,
            new Dictionary<string, string> { ["membershipId"] = ownerMembership.ToString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, removeOwner.StatusCode);
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.Invitations.IgnoreQueryFilters().CountAsync(i => i.AccountId == account.Id)));
    }

    [Fact]
    public async Task The_last_owner_cannot_be_removed_and_a_removed_person_loses_access_at_once()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var colleague = await app.CreateUserAsync();
        var colleagueMembership = await app.AddMemberAsync(account, colleague, BuiltInRoles.Requester);
        using var ownerClient = await app.SignInAsync(owner);
        using var colleagueClient = await app.SignInAsync(colleague);
        var ownerMembership = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.AccountId == account.Id && m.UserId == owner.Id).Select(m => m.Id).SingleAsync());

        var page = await ownerClient.GetPageAsync($"/a/{account.Id}/contacts");
        var self = await ownerClient.PostFormAsync($"/a/{account.Id}/contacts?handler=Remove", page, new Dictionary<string, string> { ["membershipId"] = ownerMembership.ToString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, self.StatusCode);
        Assert.Contains("last Owner", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var removed = await ownerClient.PostFormAsync($"/a/{account.Id}/contacts?handler=Remove", page, new Dictionary<string, string> { ["membershipId"] = colleagueMembership.Id.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await colleagueClient.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        await app.Mail.WaitForAsync(m => m.Contains(colleague.Email!, StringComparison.Ordinal) && m.Contains("access to", StringComparison.Ordinal));
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.MembershipRemoved && e.TargetId == colleagueMembership.Id.ToString())));

        // Without the antiforgery token nothing happens.
        var forged = await ownerClient.Http.PostAsync(new Uri($"/a/{account.Id}/contacts?handler=Remove", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["membershipId"] = ownerMembership.ToString() }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task A_magic_link_signs_in_once_in_the_browser_that_asked_and_unknown_addresses_get_the_same_answer()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var browser = app.Anonymous();
        var unknownPage = await browser.GetPageAsync("/login/link");
        var unknown = await browser.PostFormAsync("/login/link", unknownPage, new Dictionary<string, string> { ["Email"] = $"nobody-{PorticoApp.Unique()}@example.com" });
        var unknownText = (await PorticoClient.ParseAsync(unknown)).QuerySelector("[data-testid=link-sent]")!.TextContent;
        var page = await browser.GetPageAsync("/login/link");
        var asked = await browser.PostFormAsync("/login/link", page, new Dictionary<string, string> { ["Email"] = user.Email! });
        Assert.Equal(unknownText, (await PorticoClient.ParseAsync(asked)).QuerySelector("[data-testid=link-sent]")!.TextContent);

        var link = await LinkFromEmailAsync(user.Email!, "/login/link/");
        using var other = app.Anonymous();
        var elsewhere = await other.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, elsewhere.StatusCode);
        Assert.Contains("same browser", await elsewhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var used = await browser.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.MagicLinkUsed && e.TargetId == user.Id.ToString())));

        using var later = app.Anonymous();
        var reuse = await later.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, reuse.StatusCode);
        Assert.Contains("work once", await reuse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
