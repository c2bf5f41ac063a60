namespace Portico.Tests.Staff;

/// The staff account page at a glance: its timeline, its people's sign-in state, and the quick fixes staff Admins make there.
public sealed class StaffAccountGlanceTests(PorticoApp app) : AppTests
{
    private static Task<HttpResponseMessage> PostAsync(PorticoClient client, Guid accountId, string handler, Dictionary<string, string> fields) =>
        client.SubmitAsync($"/staff/accounts/{accountId}", fields, handler);

    private async Task<PorticoClient> AdminAsync() => await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));

    private static async Task<string> NoticeAsync(PorticoClient client, Guid accountId) =>
        (await client.GetPageAsync($"/staff/accounts/{accountId}")).QuerySelector("[role=status]")!.TextContent;

    private Task<Invitation> AddInvitationAsync(Account account, DateTime createdAt) => app.WithDbAsync(async (db, _) =>
    {
        var viewer = await db.Roles.SingleAsync(r => r.Name == BuiltInRoles.Viewer);
        var (invitation, _) = Invitation.Create(account.Id, $"invited-{PorticoApp.Unique()}@example.com", viewer.Id, null, "Olga Owner", createdAt);
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync();
        return invitation;
    });

    private Task<int> LockOutAsync(PorticoUser user) => app.WithDbAsync(async (db, _) =>
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, DateTimeOffset.UtcNow.AddMinutes(15))));

    private Task<DateTimeOffset?> LockoutEndAsync(PorticoUser user) =>
        app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.LockoutEnd).SingleAsync());

    private Task<int> OpenSessionsAsync(PorticoUser user) =>
        app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == user.Id && s.RevokedAt == null));

    private Task<bool> AuditedAsync(string action, Guid accountId, Guid targetId) =>
        app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == action && e.AccountId == accountId && e.TargetId == targetId.ToString()));

    private async Task<Guid> RoleIdAsync(string name) => await app.WithDbAsync((db, _) => db.Roles.Where(r => r.Name == name).Select(r => r.Id).SingleAsync());

    [Fact]
    public async Task The_timeline_shows_what_happened_to_this_account_and_nothing_of_another()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var (other, otherOwner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var external = "CRM-" + PorticoApp.Unique();
        await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.ExternalId, external)));
        var integration = await app.CreateIntegrationAsync();
        var invoice = await app.CreateInvoiceAsync(account, integration);
        var otherInvoice = await app.CreateInvoiceAsync(other, integration);
        var incidentId = "INV-" + PorticoApp.Unique();
        await app.WithDbAsync(async db =>
        {
            db.DataQualityIncidents.Add(new DataQualityIncident(integration.Id, "invoices", incidentId,
                $"Account \"{external}\" is not known to the portal; map it (set the account's external id) or sync the account first.", DateTime.UtcNow,
                externalAccountId: external));
            await db.SaveChangesAsync();
        });
        (await app.SignInAsync(owner)).Dispose();
        (await app.SignInAsync(otherOwner)).Dispose();
        using var admin = await AdminAsync();
        var invitee = $"glance-{PorticoApp.Unique()}@example.com";
        var otherInvitee = $"glance-other-{PorticoApp.Unique()}@example.com";
        var viewer = (await RoleIdAsync(BuiltInRoles.Viewer)).ToString();
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(admin, account.Id, "Invite", new() { ["email"] = invitee, ["roleId"] = viewer })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(admin, other.Id, "Invite", new() { ["email"] = otherInvitee, ["roleId"] = viewer })).StatusCode);

        var page = await admin.GetPageAsync($"/staff/accounts/{account.Id}");
        var entries = page.QuerySelectorAll("[data-testid=timeline-entry]").Select(e => e.TextContent).ToList();

        Assert.Contains(entries, e => e.Contains("Invitation sent", StringComparison.Ordinal) && e.Contains(invitee, StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains("Signed in", StringComparison.Ordinal) && e.Contains(owner.Email!, StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains($"Invoice {invoice.Number}", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Contains("Data-quality incident", StringComparison.Ordinal) && e.Contains(incidentId, StringComparison.Ordinal));
        var all = string.Join('\n', entries);
        Assert.DoesNotContain(otherInvitee, all, StringComparison.Ordinal);
        Assert.DoesNotContain(otherOwner.Email!, all, StringComparison.Ordinal);
        Assert.DoesNotContain($"Invoice {otherInvoice.Number}", all, StringComparison.Ordinal);
        // Newest first: the invitation came after the owner's sign-in.
        Assert.True(entries.FindIndex(e => e.Contains(invitee, StringComparison.Ordinal)) < entries.FindIndex(e => e.Contains(owner.Email!, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_timeline_shows_fifty_entries_and_an_older_link_to_the_rest()
    {
        var account = await app.CreateAccountAsync();
        await app.WithDbAsync(async (db, services) =>
        {
            var audit = services.GetRequiredService<AuditLog>();
            for (var i = 1; i <= 55; i++)
            {
                audit.Record(AuditActions.RequestCreated, account.Id, "Request", Guid.NewGuid().ToString(), new { number = i, subject = $"Printer {i}" });
                await db.SaveChangesAsync();
            }
            return 0;
        });
        using var admin = await AdminAsync();

        var newest = await admin.GetPageAsync($"/staff/accounts/{account.Id}");
        var entries = newest.QuerySelectorAll("[data-testid=timeline-entry]").Select(e => e.TextContent).ToList();
        Assert.Equal(50, entries.Count);
        Assert.Contains("Printer 55", entries[0], StringComparison.Ordinal);
        Assert.Contains("#6,", entries[^1], StringComparison.Ordinal);

        var older = await admin.GetPageAsync(newest.QuerySelector("[data-testid=timeline-older]")!.GetAttribute("href")!);
        var rest = older.QuerySelectorAll("[data-testid=timeline-entry]").Select(e => e.TextContent).ToList();
        Assert.Equal(5, rest.Count);
        Assert.Contains("#5,", rest[0], StringComparison.Ordinal);
        Assert.Contains("#1,", rest[^1], StringComparison.Ordinal);
        Assert.Null(older.QuerySelector("[data-testid=timeline-older]"));
    }

    [Fact]
    public async Task People_show_their_last_sign_in_two_factor_state_lockout_and_pending_invitations_with_expiry()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var quiet = await app.CreateMemberAsync(account, BuiltInRoles.Viewer);
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == quiet.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true)));
        await LockOutAsync(quiet);
        (await app.SignInAsync(owner)).Dispose();
        var open = await AddInvitationAsync(account, DateTime.UtcNow);
        var expired = await AddInvitationAsync(account, DateTime.UtcNow.AddDays(-10));
        using var agent = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));

        var page = await agent.GetPageAsync($"/staff/accounts/{account.Id}");

        var ownerRow = page.QuerySelector($"[data-testid=contact][data-user='{owner.Id}']")!;
        var quietRow = page.QuerySelector($"[data-testid=contact][data-user='{quiet.Id}']")!;
        Assert.Contains(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ownerRow.QuerySelector("[data-testid=last-sign-in]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Never", quietRow.QuerySelector("[data-testid=last-sign-in]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Authenticator app: off", ownerRow.QuerySelector("[data-testid=two-factor]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Authenticator app: on", quietRow.QuerySelector("[data-testid=two-factor]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Passkeys: none", quietRow.QuerySelector("[data-testid=two-factor]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Locked out until", quietRow.QuerySelector("[data-testid=lockout]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Not locked", ownerRow.QuerySelector("[data-testid=lockout]")!.TextContent, StringComparison.Ordinal);
        var invitations = page.QuerySelectorAll("[data-testid=invitation]").Select(i => i.TextContent).ToList();
        Assert.Contains(invitations, i => i.Contains(open.Email, StringComparison.Ordinal) && i.Contains("link valid until", StringComparison.Ordinal));
        Assert.Contains(invitations, i => i.Contains(expired.Email, StringComparison.Ordinal) && i.Contains("link expired", StringComparison.Ordinal));
        // Agents see the page read-only.
        Assert.Empty(page.QuerySelectorAll("form[action*=handler]"));
    }

    [Fact]
    public async Task An_admin_renews_an_expired_invitation_which_mails_a_new_link_that_works_and_is_audited()
    {
        var account = await app.CreateAccountAsync();
        var invitation = await AddInvitationAsync(account, DateTime.UtcNow.AddDays(-10));
        using var admin = await AdminAsync();

        var response = await PostAsync(admin, account.Id, "ResendInvitation", new() { ["invitationId"] = invitation.Id.ToString() });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains($"Invitation sent again to {invitation.Email}", await NoticeAsync(admin, account.Id), StringComparison.Ordinal);
        var link = await app.Mail.LinkAsync(invitation.Email, "/invitations/");
        using var invitee = app.Anonymous();
        var landing = await invitee.GetPageAsync(link);
        Assert.Contains(account.Name, landing.Body!.TextContent, StringComparison.Ordinal);
        Assert.Null(landing.QuerySelector("[data-testid=invitation-problem]"));
        Assert.True(await app.WithDbAsync((db, _) => db.Invitations.IgnoreQueryFilters().AnyAsync(i => i.Id == invitation.Id && i.ExpiresAt > DateTime.UtcNow.AddDays(6))));
        Assert.True(await AuditedAsync(AuditActions.InvitationResent, account.Id, invitation.Id));
    }

    [Fact]
    public async Task An_admin_unlocks_a_locked_out_person_who_can_then_sign_in_and_it_is_audited()
    {
        var (account, person) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        await LockOutAsync(person);
        using var admin = await AdminAsync();

        var response = await PostAsync(admin, account.Id, "Unlock", new() { ["userId"] = person.Id.ToString() });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("no longer locked out", await NoticeAsync(admin, account.Id), StringComparison.Ordinal);
        Assert.Null(await LockoutEndAsync(person));
        Assert.True(await AuditedAsync(AuditActions.Unlocked, account.Id, person.Id));
        (await app.SignInAsync(person)).Dispose();
        var again = await PostAsync(admin, account.Id, "Unlock", new() { ["userId"] = person.Id.ToString() });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
    }

    [Fact]
    public async Task An_admin_signs_a_person_out_everywhere_and_it_is_audited()
    {
        var (account, person, browser) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync(new Uri($"/a/{account.Id}/contacts", UriKind.Relative))).StatusCode);
        using var admin = await AdminAsync();

        var response = await PostAsync(admin, account.Id, "EndSessions", new() { ["userId"] = person.Id.ToString() });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("signed out of every browser", await NoticeAsync(admin, account.Id), StringComparison.Ordinal);
        Assert.Equal(0, await OpenSessionsAsync(person));
        Assert.True(await AuditedAsync(AuditActions.SessionsEnded, account.Id, person.Id));
        // The node that ended the sessions forgets them at once, so the next request is signed out.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync(new Uri($"/a/{account.Id}/contacts", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_role_change_an_approval_rule_covers_waits_for_approval_as_an_owners_would()
    {
        var (account, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var person = await app.CreateUserAsync();
        var membership = await app.AddMemberAsync(account, person, BuiltInRoles.Viewer);
        var adminUser = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var admin = await app.SignInAsync(adminUser);

        // The seeded rules hold grants of Owner for the account manager.
        var response = await PostAsync(admin, account.Id, "ChangeRole", new() { ["membershipId"] = membership.Id.ToString(), ["roleId"] = (await RoleIdAsync(BuiltInRoles.Owner)).ToString() });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("needs approval", await NoticeAsync(admin, account.Id), StringComparison.Ordinal);
        Assert.Equal(BuiltInRoles.Viewer, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.Id == membership.Id).Select(m => m.Role.Name).SingleAsync()));
        var change = await app.WithDbAsync((db, _) => db.ChangeRequests.IgnoreQueryFilters().SingleAsync(c => c.AccountId == account.Id && c.Subject == "membership:" + membership.Id));
        Assert.Equal(ChangeStatus.Pending, change.Status);
        Assert.Equal(adminUser.Id, change.RequestedById);
        Assert.True(await AuditedAsync(AuditActions.ApprovalRequested, account.Id, change.Id));
    }

    [Fact]
    public async Task Agents_and_finance_get_403_on_every_quick_fix_and_nothing_changes()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var person = await app.CreateUserAsync();
        var membership = await app.AddMemberAsync(account, person, BuiltInRoles.Viewer);
        await LockOutAsync(person);
        (await app.SignInAsync(owner)).Dispose();
        var invitation = await AddInvitationAsync(account, DateTime.UtcNow.AddDays(-10));
        var posts = new Dictionary<string, Dictionary<string, string>>
        {
            ["ResendInvitation"] = new() { ["invitationId"] = invitation.Id.ToString() },
            ["Unlock"] = new() { ["userId"] = person.Id.ToString() },
            ["EndSessions"] = new() { ["userId"] = owner.Id.ToString() },
            ["ChangeRole"] = new() { ["membershipId"] = membership.Id.ToString(), ["roleId"] = (await RoleIdAsync(BuiltInRoles.Requester)).ToString() },
        };
        foreach (var role in new[] { StaffRole.Agent, StaffRole.Finance })
        {
            using var staff = await app.SignInAsync(await app.CreateUserAsync(staffRole: role));
            foreach (var (handler, fields) in posts)
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(staff, account.Id, handler, fields)).StatusCode);
            }
        }

        Assert.NotNull(await LockoutEndAsync(person));
        Assert.Equal(1, await OpenSessionsAsync(owner));
        Assert.Equal(BuiltInRoles.Viewer, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.Id == membership.Id).Select(m => m.Role.Name).SingleAsync()));
        Assert.Equal(invitation.TokenHash, await app.WithDbAsync((db, _) => db.Invitations.IgnoreQueryFilters().Where(i => i.Id == invitation.Id).Select(i => i.TokenHash).SingleAsync()));
    }

    [Fact]
    public async Task A_person_invitation_or_membership_of_another_account_answers_404_and_changes_nothing()
    {
        var account = await app.CreateAccountAsync();
        var (other, stranger) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var strangerColleague = await app.CreateUserAsync();
        var foreignMembership = await app.AddMemberAsync(other, strangerColleague, BuiltInRoles.Viewer);
        await LockOutAsync(stranger);
        using var strangerBrowser = await app.SignInAsync(strangerColleague);
        var foreignInvitation = await AddInvitationAsync(other, DateTime.UtcNow.AddDays(-10));
        var lockedUntil = await LockoutEndAsync(stranger);
        using var admin = await AdminAsync();
        var mailBefore = await app.WithDbAsync((db, _) => db.OutboxMessages.CountAsync());

        var attempts = new (string Handler, Dictionary<string, string> Fields)[]
        {
            ("ResendInvitation", new() { ["invitationId"] = foreignInvitation.Id.ToString() }),
            ("Unlock", new() { ["userId"] = stranger.Id.ToString() }),
            ("EndSessions", new() { ["userId"] = strangerColleague.Id.ToString() }),
            ("ChangeRole", new() { ["membershipId"] = foreignMembership.Id.ToString(), ["roleId"] = (await RoleIdAsync(BuiltInRoles.Requester)).ToString() }),
        };
        foreach (var (handler, fields) in attempts)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(admin, account.Id, handler, fields)).StatusCode);
        }

        Assert.Equal(lockedUntil, await LockoutEndAsync(stranger));
        Assert.Equal(1, await OpenSessionsAsync(strangerColleague));
        Assert.Equal(BuiltInRoles.Viewer, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.Id == foreignMembership.Id).Select(m => m.Role.Name).SingleAsync()));
        var stored = await app.WithDbAsync((db, _) => db.Invitations.IgnoreQueryFilters().SingleAsync(i => i.Id == foreignInvitation.Id));
        Assert.Equal(foreignInvitation.TokenHash, stored.TokenHash);
        Assert.True(stored.ExpiresAt < DateTime.UtcNow);
        Assert.Equal(mailBefore, await app.WithDbAsync((db, _) => db.OutboxMessages.CountAsync()));
        Assert.False(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.AccountId == other.Id
            && (e.Action == AuditActions.Unlocked || e.Action == AuditActions.SessionsEnded || e.Action == AuditActions.InvitationResent || e.Action == AuditActions.MembershipRoleChanged))));
    }
}
