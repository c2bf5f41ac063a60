namespace Portico.Tests.Identity;

/// What the two-factor rules make of passkey sign-ins, for people who have no authenticator app.
public static class PasskeySteps
{
    public static Task RequireMfaAsync(PorticoApp app, Account account) => app.WithDbAsync(async db =>
    {
        var stored = await db.Accounts.SingleAsync(a => a.Id == account.Id);
        stored.SetRequireMfa(true);
        await db.SaveChangesAsync();
    });

    /// An Owner of an account that requires two-factor, with a passkey, signed in with it in a new browser.
    public sealed record PasskeyOwner(Account Account, PorticoUser Member, PorticoClient Client, SoftwarePasskey Passkey) : IDisposable
    {
        public void Deconstruct(out Account account, out PorticoUser member, out PorticoClient client) =>
            (account, member, client) = (Account, Member, Client);

        public void Dispose()
        {
            Client.Dispose();
            Passkey.Dispose();
        }
    }

    public static async Task<PasskeyOwner> OwnerSignedInWithPasskeyAsync(PorticoApp app)
    {
        var (account, member) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var passkey = await SoftwarePasskey.CreateForAsync(app, member);
        await RequireMfaAsync(app, account);
        return new PasskeyOwner(account, member, await SignInWithPasskeyAsync(app, passkey), passkey);
    }

    /// A new browser signed in with the passkey.
    public static async Task<PorticoClient> SignInWithPasskeyAsync(PorticoApp app, SoftwarePasskey passkey)
    {
        var client = app.Anonymous();
        var response = await passkey.SignInAsync(client);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// Takes the person's password away, as if they had only ever signed in by email link or passkey.
    public static Task RemovePasswordAsync(PorticoApp app, PorticoUser user) => app.WithDbAsync(async (_, services) =>
    {
        var users = services.GetRequiredService<UserManager<PorticoUser>>();
        Assert.True((await users.RemovePasswordAsync((await users.FindByIdAsync(user.Id.ToString()))!)).Succeeded);
        return 0;
    });

    /// A new browser signed in with a one-time email link.
    public static async Task<PorticoClient> SignInWithEmailLinkAsync(PorticoApp app, PorticoUser user)
    {
        var client = app.Anonymous();
        var page = await client.GetPageAsync("/login/link");
        await client.PostFormAsync("/login/link", page, new Dictionary<string, string> { ["Email"] = user.Email! });
        var link = await app.Mail.LinkAsync(user.Email!, "/login/link/");
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri(link, UriKind.Relative))).StatusCode);
        return client;
    }

    public static Task<HttpResponseMessage> GetAsync(PorticoClient client, string path) => client.Http.GetAsync(new Uri(path, UriKind.Relative));

    /// The account's page and its API both open.
    public static async Task AssertOpensAsync(PorticoClient client, Account account)
    {
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/a/{account.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, $"/api/accounts/{account.Id}/memberships")).StatusCode);
    }

    /// The page sends the person to set up two-factor sign-in; the API answers 403 saying why.
    public static async Task AssertSentToSetUpAsync(PorticoClient client, string pagePath, string apiPath)
    {
        var page = await GetAsync(client, pagePath);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/account/security", page.Headers.Location!.OriginalString);
        var api = await GetAsync(client, apiPath);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        using var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
        Assert.Equal("Two-factor sign-in required", problem.RootElement.GetProperty("title").GetString());
    }
}

public sealed class PasskeyAccountMfaTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task A_member_without_an_authenticator_app_opens_an_account_that_requires_two_factor_after_a_passkey_sign_in_but_not_after_a_password()
    {
        using var signedIn = await PasskeySteps.OwnerSignedInWithPasskeyAsync(app);
        var (account, member, withPasskey) = signedIn;
        await PasskeySteps.AssertOpensAsync(withPasskey, account);
        Assert.NotNull((await withPasskey.GetPageAsync($"/a/{account.Id}/contacts")).QuerySelector("[data-testid=account-mfa-required]"));
        var notice = (await withPasskey.GetPageAsync("/account/security")).QuerySelector("[data-testid=account-mfa-required]")!.TextContent;
        Assert.Contains(account.Name, notice, StringComparison.Ordinal);
        Assert.Contains("Signing in with a passkey meets this rule", notice, StringComparison.Ordinal);
        Assert.Contains("You signed in with a passkey this time", notice, StringComparison.Ordinal);

        using var withPassword = await app.SignInAsync(member);
        await PasskeySteps.AssertSentToSetUpAsync(withPassword, $"/a/{account.Id}", $"/api/accounts/{account.Id}/memberships");
        var passwordNotice = (await withPassword.GetPageAsync("/account/security")).QuerySelector("[data-testid=account-mfa-required]")!.TextContent;
        Assert.Contains("password or an email link, set up an authenticator app", string.Join(' ', passwordNotice.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.DoesNotContain("You signed in with a passkey this time", passwordNotice, StringComparison.Ordinal);

        Assert.False(await TwoFactorEnabledAsync(app, member));
        // The sign-in is audited as before, and the signature counter the authenticator sent was stored.
        var actions = await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.TargetId == member.Id.ToString()).Select(e => e.Action).ToListAsync());
        Assert.Contains(AuditActions.PasskeyUsed, actions);
        Assert.Contains(AuditActions.LoginSucceeded, actions);
        Assert.Equal(1u, await app.WithDbAsync(async (_, services) =>
        {
            var users = services.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PorticoUser>>();
            return (await users.GetPasskeyAsync((await users.FindByIdAsync(member.Id.ToString()))!, signedIn.Passkey.CredentialId))!.SignCount;
        }));
    }

    [Fact]
    public async Task Owning_a_passkey_is_not_enough_a_password_or_email_link_session_is_refused_while_a_passkey_session_of_the_same_person_opens()
    {
        using var signedIn = await PasskeySteps.OwnerSignedInWithPasskeyAsync(app);
        var (account, member, withPasskey) = signedIn;

        using var withPassword = await app.SignInAsync(member);
        await PasskeySteps.AssertSentToSetUpAsync(withPassword, $"/a/{account.Id}", $"/api/accounts/{account.Id}/memberships");
        using var withLink = await PasskeySteps.SignInWithEmailLinkAsync(app, member);
        await PasskeySteps.AssertSentToSetUpAsync(withLink, $"/a/{account.Id}", $"/api/accounts/{account.Id}/memberships");

        // The rule looks at how each session signed in, not at what the person owns.
        await PasskeySteps.AssertOpensAsync(withPasskey, account);
    }

    [Fact]
    public async Task A_passkey_session_still_meets_the_rule_after_the_person_changes_their_password_which_renews_the_session()
    {
        using var signedIn = await PasskeySteps.OwnerSignedInWithPasskeyAsync(app);
        var (account, _, client) = signedIn;

        var page = await client.GetPageAsync("/account/security");
        var changed = await client.PostFormAsync("/account/security?handler=Password", page, new Dictionary<string, string>
        {
            ["Password.CurrentPassword"] = PorticoApp.Password,
            ["Password.NewPassword"] = "Another-horse-battery-2",
            ["Password.ConfirmPassword"] = "Another-horse-battery-2",
        });

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal("/account/security?done=password", changed.Headers.Location!.OriginalString);
        await PasskeySteps.AssertOpensAsync(client, account);
    }

    [Fact]
    public async Task A_locked_out_person_is_not_signed_in_by_their_passkey_and_it_is_audited()
    {
        var (account, member) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var passkey = await SoftwarePasskey.CreateForAsync(app, member);
        await app.WithDbAsync(async (_, services) =>
        {
            var users = services.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PorticoUser>>();
            Assert.True((await users.SetLockoutEndDateAsync((await users.FindByIdAsync(member.Id.ToString()))!, DateTimeOffset.UtcNow.AddMinutes(15))).Succeeded);
            return 0;
        });
        using var client = app.Anonymous();

        var response = await passkey.SignInAsync(client);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("locked", (await PorticoClient.ParseAsync(response)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PasskeySteps.GetAsync(client, $"/a/{account.Id}")).StatusCode);
        var failed = await app.WithDbAsync((db, _) => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.LoginFailed && e.TargetId == member.Id.ToString()));
        Assert.Contains("locked_out", failed.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_passkey_answer_without_user_verification_signs_nobody_in()
    {
        var (account, member) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var passkey = await SoftwarePasskey.CreateForAsync(app, member);
        using var client = app.Anonymous();

        var response = await passkey.SignInAsync(client, userVerified: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("That passkey did not sign you in", (await PorticoClient.ParseAsync(response)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        var page = await PasskeySteps.GetAsync(client, $"/a/{account.Id}");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var failed = await app.WithDbAsync((db, _) => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.LoginFailed && e.TargetId == member.Id.ToString()));
        Assert.Contains("not_verified", failed.Details, StringComparison.Ordinal);

        // Browsers are asked for user verification when a passkey is added, too.
        using var signedIn = await app.SignInAsync(member);
        var security = await signedIn.GetPageAsync("/account/security");
        var options = await signedIn.PostFormAsync("/account/security?handler=PasskeyOptions", security, new Dictionary<string, string>());
        using var json = JsonDocument.Parse(await options.Content.ReadAsStringAsync());
        Assert.Equal("required", json.RootElement.GetProperty("authenticatorSelection").GetProperty("userVerification").GetString());
    }
}

[Collection(RequiredMfaCollection.Name)]
public sealed class PasskeyStaffMfaTests(RequiredMfaApp app)
{
    [Fact]
    public async Task Staff_without_an_authenticator_app_open_the_console_after_a_passkey_sign_in_but_not_after_a_password()
    {
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var passkey = await SoftwarePasskey.CreateForAsync(app, admin);

        using var withPasskey = await PasskeySteps.SignInWithPasskeyAsync(app, passkey);
        Assert.Equal("/staff", (await PasskeySteps.GetAsync(withPasskey, "/")).Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await PasskeySteps.GetAsync(withPasskey, "/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PasskeySteps.GetAsync(withPasskey, "/staff/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PasskeySteps.GetAsync(withPasskey, "/api/staff/audit")).StatusCode);
        var notice = (await withPasskey.GetPageAsync("/account/security")).QuerySelector("[data-testid=mfa-required]")!.TextContent;
        Assert.Contains("Signing in with a passkey meets this rule", notice, StringComparison.Ordinal);
        Assert.Contains("You signed in with a passkey this time", notice, StringComparison.Ordinal);

        // The same person, who owns the passkey, signing in with the password alone.
        using var withPassword = await app.SignInAsync(admin);
        await PasskeySteps.AssertSentToSetUpAsync(withPassword, "/staff", "/api/staff/audit");
        Assert.Equal(HttpStatusCode.Redirect, (await PasskeySteps.GetAsync(withPassword, "/staff/accounts")).StatusCode);
        var passwordNotice = (await withPassword.GetPageAsync("/account/security")).QuerySelector("[data-testid=mfa-required]")!.TextContent;
        Assert.Contains("set up an authenticator app", passwordNotice, StringComparison.Ordinal);
        Assert.DoesNotContain("You signed in with a passkey this time", passwordNotice, StringComparison.Ordinal);
        Assert.False(await TwoFactorEnabledAsync(app, admin));
    }

    [Fact]
    public async Task Staff_who_own_a_passkey_but_sign_in_with_an_email_link_are_sent_to_set_up_while_their_passkey_session_works()
    {
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var passkey = await SoftwarePasskey.CreateForAsync(app, admin);
        using var withPasskey = await PasskeySteps.SignInWithPasskeyAsync(app, passkey);

        using var withLink = await PasskeySteps.SignInWithEmailLinkAsync(app, admin);
        await PasskeySteps.AssertSentToSetUpAsync(withLink, "/staff/requests", "/api/staff/audit");

        Assert.Equal(HttpStatusCode.OK, (await PasskeySteps.GetAsync(withPasskey, "/staff/requests")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PasskeySteps.GetAsync(withPasskey, "/api/staff/audit")).StatusCode);
    }
}

/// The cookie's principal is rebuilt by the security stamp check once a minute, and the ticket lives in the database.
public sealed class PasskeySessionRefreshTests : OwnAppTests<TimeoutApp>
{
    [Fact]
    public async Task A_passkey_session_keeps_meeting_the_account_rule_after_the_stamp_check_rebuilds_it_and_after_it_is_read_back_from_the_database()
    {
        using var signedIn = await PasskeySteps.OwnerSignedInWithPasskeyAsync(App);
        var (account, member, client) = signedIn;
        await PasskeySteps.AssertOpensAsync(client, account);
        var signedInAt = App.Clock.GetUtcNow();

        // Past the one-minute interval: this request's principal is rebuilt from the claims factory and the renewed ticket stored.
        App.Clock.Advance(TimeSpan.FromMinutes(2));
        await PasskeySteps.AssertOpensAsync(client, account);

        var store = App.Services.GetRequiredService<DatabaseTicketStore>();
        var sessionId = await App.WithDbAsync((db, _) => db.UserSessions.Where(s => s.UserId == member.Id && s.RevokedAt == null).Select(s => s.Id).SingleAsync());
        store.Forget(sessionId);
        var ticket = (await store.RetrieveAsync(sessionId))!;
        Assert.True(ticket.Properties.IssuedUtc > signedInAt, "the stored ticket was not renewed by the stamp check");
        Assert.True(SignInStrength.SignedInWithPasskey(ticket.Principal));
        // Read back from the database, it still opens; and again after the next check.
        store.Forget(sessionId);
        await PasskeySteps.AssertOpensAsync(client, account);
        App.Clock.Advance(TimeSpan.FromMinutes(2));
        await PasskeySteps.AssertOpensAsync(client, account);

        // A password session of the same person, checked the same way, is still refused.
        using var withPassword = await App.SignInAsync(member);
        App.Clock.Advance(TimeSpan.FromMinutes(2));
        await PasskeySteps.AssertSentToSetUpAsync(withPassword, $"/a/{account.Id}", $"/api/accounts/{account.Id}/memberships");
    }
}
