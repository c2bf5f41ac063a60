namespace Portico.Tests.Contacts;

/// Links and forms used the wrong way: each gets a clear answer, changes nothing and leaves an audit event.
public sealed class ContactBadInputTests(PorticoApp app) : AppTests
{
    private async Task<Guid> RoleIdAsync(string name) => await app.WithDbAsync((db, _) => db.Roles.Where(r => r.Name == name).Select(r => r.Id).SingleAsync());

    private async Task<(Guid AccountId, string Link, string Email)> InvitedAsync(string role = BuiltInRoles.Viewer)
    {
        var (account, owner, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        var email = $"bad-{PorticoApp.Unique()}@example.com";
        var page = await client.GetPageAsync($"/a/{account.Id}/contacts");
        var sent = await client.PostFormAsync($"/a/{account.Id}/contacts?handler=Invite", page,
            new Dictionary<string, string> { ["email"] = email, ["roleId"] = (await RoleIdAsync(role)).ToString() });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        return (account.Id, await app.Mail.LinkAsync(email, "/invitations/"), email);
    }

    private Task<List<string?>> RefusalsAsync(string action, Guid? accountId) =>
        app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == action && e.AccountId == accountId).Select(e => e.Details).ToListAsync());

    private Task<int> MembersAsync(Guid accountId) => app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().CountAsync(m => m.AccountId == accountId));

    private static Dictionary<string, string> NewPerson() => new()
    {
        ["Form.Name"] = "Someone", ["Form.Password"] = "A-good-long-password-1", ["Form.ConfirmPassword"] = "A-good-long-password-1",
    };

    [Fact]
    public async Task A_used_invitation_link_is_refused_on_open_and_on_submit_and_audited()
    {
        var (accountId, link, email) = await InvitedAsync();
        using var first = app.Anonymous();
        var form = await first.GetPageAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, (await first.PostFormAsync(link + "?handler=Register", form, NewPerson())).StatusCode);
        var members = await MembersAsync(accountId);

        using var second = app.Anonymous();
        var reopened = await second.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, reopened.StatusCode);
        Assert.Contains("already used", (await PorticoClient.ParseAsync(reopened)).QuerySelector("[data-testid=invitation-problem]")!.TextContent, StringComparison.Ordinal);
        // A second person submitting the same (stale) form gets nothing either.
        var replay = await second.PostFormAsync(link + "?handler=Register", await PorticoClient.ParseAsync(await second.Http.GetAsync(new Uri("/login", UriKind.Relative))), NewPerson());
        Assert.Equal(HttpStatusCode.Gone, replay.StatusCode);

        Assert.Equal(members, await MembersAsync(accountId));
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.Users.CountAsync(u => u.Email == email)));
        Assert.Equal(2, (await RefusalsAsync(AuditActions.InvitationRefused, accountId)).Count(d => d!.Contains("\"used\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Eight_browsers_registering_through_one_invitation_at_once_make_one_person_and_refuse_the_rest_clearly()
    {
        var (accountId, link, email) = await InvitedAsync();
        var members = await MembersAsync(accountId);
        var browsers = Enumerable.Range(0, 8).Select(_ => app.Anonymous()).ToList();
        try
        {
            var forms = await Task.WhenAll(browsers.Select(b => b.GetPageAsync(link)));

            var answers = await Task.WhenAll(browsers.Zip(forms, (b, f) => b.PostFormAsync(link + "?handler=Register", f, NewPerson())));

            // The losers either created their person after the winner (conflict) or found the invitation used (gone).
            Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Redirect));
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Redirect), a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.Gone }));
            Assert.Equal(1, await app.WithDbAsync((db, _) => db.Users.CountAsync(u => u.Email == email)));
            Assert.Equal(members + 1, await MembersAsync(accountId));
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public async Task A_new_person_form_posted_after_someone_with_the_invited_email_exists_is_a_conflict_and_makes_no_second_person()
    {
        // The moment between the winning browser creating the person and accepting the invitation.
        var (accountId, link, email) = await InvitedAsync();
        using var client = app.Anonymous();
        var form = await client.GetPageAsync(link);
        await app.CreateUserAsync(email);

        var response = await client.PostFormAsync(link + "?handler=Register", form, NewPerson());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.NotNull((await PorticoClient.ParseAsync(response)).QuerySelector($"a[href^='/login?returnUrl=']"));
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.Users.CountAsync(u => u.Email == email)));
        Assert.Equal(1, await MembersAsync(accountId));
    }

    [Fact]
    public async Task An_expired_invitation_is_refused_and_audited_and_creates_no_one()
    {
        var (accountId, link, email) = await InvitedAsync();
        await app.WithDbAsync(db => db.Invitations.IgnoreQueryFilters().Where(i => i.Email == email)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresAt, DateTime.UtcNow.AddSeconds(-1))));
        using var client = app.Anonymous();
        var tokenSource = await client.GetPageAsync("/login");

        var response = await client.PostFormAsync(link + "?handler=Register", tokenSource, NewPerson());

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("expired", (await PorticoClient.ParseAsync(response)).QuerySelector("[data-testid=invitation-problem]")!.TextContent, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync((db, _) => db.Users.AnyAsync(u => u.Email == email)));
        Assert.Equal(1, await MembersAsync(accountId));
        Assert.Contains(await RefusalsAsync(AuditActions.InvitationRefused, accountId), d => d!.Contains("\"expired\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invitation_opened_while_signed_in_with_another_email_is_refused_and_audited()
    {
        var (accountId, link, email) = await InvitedAsync();
        var other = await app.CreateUserAsync();
        using var client = await app.SignInAsync(other);
        var page = await client.GetPageAsync(link);
        Assert.Contains($"this invitation is for {email}", page.QuerySelector("[data-testid=invitation-problem]")!.TextContent, StringComparison.Ordinal);

        var forced = await client.PostFormAsync(link + "?handler=Accept", page, new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Equal(1, await MembersAsync(accountId));
        Assert.True(await app.WithDbAsync((db, _) => db.Invitations.IgnoreQueryFilters().AnyAsync(i => i.Email == email && i.AcceptedAt == null)));
        var refusals = await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvitationRefused && e.AccountId == accountId
            && e.ActorUserId == other.Id && e.Details!.Contains("signed_in_as_another_email")));
        Assert.Equal(2, refusals);
    }

    [Fact]
    public async Task An_owner_reaching_beyond_their_own_permissions_is_refused_and_audited()
    {
        var account = await app.CreateAccountAsync();
        await app.AddMemberAsync(account, await app.CreateUserAsync(), BuiltInRoles.Owner);
        var managerRole = "Narrow manager " + PorticoApp.Unique();
        await app.WithDbAsync(async db =>
        {
            db.Roles.Add(new Role(managerRole, "test", [Permissions.AccountView, Permissions.ContactsView, Permissions.ContactsManage, Permissions.RequestsView]));
            await db.SaveChangesAsync();
        });
        var manager = await app.CreateUserAsync();
        await app.AddMemberAsync(account, manager, managerRole);
        var viewer = await app.CreateUserAsync();
        var viewerMembership = await app.AddMemberAsync(account, viewer, BuiltInRoles.Viewer);
        using var client = await app.SignInAsync(manager);
        var page = await client.GetPageAsync($"/a/{account.Id}/contacts");
        // The form offers only roles within the manager's own permissions.
        Assert.DoesNotContain(page.QuerySelectorAll("#invite-role option"), o => o.TextContent == BuiltInRoles.Owner);

        var promote = await client.PostFormAsync($"/a/{account.Id}/contacts?handler=Role", page,
            new Dictionary<string, string> { ["membershipId"] = viewerMembership.Id.ToString(), ["roleId"] = (await RoleIdAsync(BuiltInRoles.Owner)).ToString() });
        var invite = await client.PostFormAsync($"/a/{account.Id}/contacts?handler=Invite", page,
            new Dictionary<string, string> { ["email"] = $"owner-{PorticoApp.Unique()}@example.com", ["roleId"] = (await RoleIdAsync(BuiltInRoles.Owner)).ToString() });

        foreach (var response in new[] { promote, invite })
        {
            Assert.Contains("permissions your own role does not", await PorticoClient.ActionErrorAsync(response, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        }
        Assert.Equal(BuiltInRoles.Viewer, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.Id == viewerMembership.Id).Select(m => m.Role.Name).SingleAsync()));
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.Invitations.IgnoreQueryFilters().CountAsync(i => i.AccountId == account.Id)));
        var refusals = await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == AuditActions.ContactChangeRefused && e.AccountId == account.Id && e.ActorUserId == manager.Id)
            .Select(e => e.Details!).ToListAsync());
        Assert.Equal(2, refusals.Count);
        Assert.Contains(refusals, d => d.Contains("change_role", StringComparison.Ordinal) && d.Contains("beyond_own_permissions", StringComparison.Ordinal));
        Assert.Contains(refusals, d => d.Contains("invite", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Magic_links_used_again_expired_or_opened_in_another_browser_sign_nobody_in_and_are_audited()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var browser = app.Anonymous();
        var page = await browser.GetPageAsync("/login/link");
        await browser.PostFormAsync("/login/link", page, new Dictionary<string, string> { ["Email"] = user.Email! });
        var link = await app.Mail.LinkAsync(user.Email!, "/login/link/");

        using var elsewhere = app.Anonymous();
        var other = await elsewhere.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, other.StatusCode);
        Assert.Contains("same browser", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync(new Uri(link, UriKind.Relative))).StatusCode);
        // The same browser cannot use it twice either, once signed out again (signed in, it is sent to the "already signed in" page).
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("/logout", await browser.GetPageAsync("/account/profile"), new Dictionary<string, string>())).StatusCode);
        var again = await browser.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);

        // A new link that has expired.
        using var late = app.Anonymous();
        var latePage = await late.GetPageAsync("/login/link");
        await late.PostFormAsync("/login/link", latePage, new Dictionary<string, string> { ["Email"] = user.Email! });
        // Other tests share the mail sink, so wait for this person's second link rather than for any new message.
        var secondLink = Link(await app.Mail.WaitForAsync(m => m.Contains("To: " + user.Email, StringComparison.OrdinalIgnoreCase)
            && m.Contains("/login/link/", StringComparison.Ordinal) && Link(m) != link));
        await app.WithDbAsync(db => db.Set<MagicLinkToken>().Where(t => t.UserId == user.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddSeconds(-1))));
        var expired = await late.Http.GetAsync(new Uri(secondLink, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("not valid any more", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await late.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);

        var reasons = await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == AuditActions.MagicLinkRefused && e.TargetId == user.Id.ToString())
            .Select(e => e.Details!).ToListAsync());
        Assert.Contains(reasons, d => d.Contains("other_browser", StringComparison.Ordinal));
        Assert.Contains(reasons, d => d.Contains("\"used\"", StringComparison.Ordinal));
        Assert.Contains(reasons, d => d.Contains("\"expired\"", StringComparison.Ordinal));
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.MagicLinkUsed && e.TargetId == user.Id.ToString())));
    }

    private static string Link(string message)
    {
        var text = message.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=\n", "", StringComparison.Ordinal);
        var start = text.IndexOf("/login/link/", StringComparison.Ordinal);
        return new string(text[start..].TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-').ToArray());
    }
}
