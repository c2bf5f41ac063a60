namespace Portico.Tests.Identity;

/// Signing in with a code from the authenticator app or a recovery code after the password.
public sealed class TwoFactorSignInTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task Signing_in_with_the_password_then_asks_for_a_code_and_signs_nobody_in_yet()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        await EnableForAsync(app, user);
        var signInsBefore = await SignInCountAsync(app, user);
        using var client = app.Anonymous();

        var response = await client.LoginAsync(user.Email!, PorticoApp.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login/two-factor", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(SetCookies(response), c => c.StartsWith("portico.session=", StringComparison.Ordinal));
        var probe = await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, probe.StatusCode);
        Assert.StartsWith("/login", probe.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var page = await client.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.NotNull(page.QuerySelector("input[name=Code]"));
        Assert.Equal(signInsBefore, await SignInCountAsync(app, user));
    }

    [Fact]
    public async Task A_wrong_code_is_refused_audited_and_counts_towards_lockout()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var phone = await EnableForAsync(app, user);
        using var client = await app.SignInAsync(user);

        var response = await EnterCodeAsync(client, phone.WrongCode());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Contains("That code is not right", page.QuerySelector("[data-valmsg-for=Code]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        var failure = await app.WithDbAsync((db, _) => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.TwoFactorFailed && e.ActorUserId == user.Id));
        Assert.Contains("wrong_code", failure.Details, StringComparison.Ordinal);
        Assert.Equal(1, await AccessFailedCountAsync(app, user));
    }

    [Fact]
    public async Task The_right_code_signs_in_lands_on_the_account_and_is_audited()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var phone = await EnableForAsync(app, user);
        var signInsBefore = await SignInCountAsync(app, user);
        using var client = await app.SignInAsync(user);
        await EnterCodeAsync(client, phone.WrongCode());

        var response = await EnterCodeAsync(client, await phone.NextCodeAsync());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        var home = await client.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal($"/a/{account.Id}", home.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.TwoFactorSucceeded && e.ActorUserId == user.Id)));
        Assert.Equal(signInsBefore + 1, await SignInCountAsync(app, user));
        Assert.Equal(0, await AccessFailedCountAsync(app, user));
    }

    [Fact]
    public async Task An_email_link_leads_someone_with_an_authenticator_app_to_the_code_step_and_signs_nobody_in_before_it()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var phone = await EnableForAsync(app, user);
        using var client = app.Anonymous();
        var page = await client.GetPageAsync("/login/link");
        await client.PostFormAsync("/login/link", page, new Dictionary<string, string> { ["Email"] = user.Email! });
        var link = await app.Mail.LinkAsync(user.Email!, "/login/link/");

        var used = await client.Http.GetAsync(new Uri(link, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal("/login/two-factor", used.Headers.Location!.OriginalString);
        var early = await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, early.StatusCode);
        Assert.Contains("/login", early.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.Http.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await EnterCodeAsync(client, phone.WrongCode())).StatusCode);
        var done = await EnterCodeAsync(client, await phone.NextCodeAsync());
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.TwoFactorSucceeded && e.ActorUserId == user.Id)));
    }

    [Fact]
    public async Task The_return_address_survives_the_code_step()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var phone = await EnableForAsync(app, user);
        using var client = app.Anonymous();
        var target = $"/a/{account.Id}/requests";
        var login = await client.GetPageAsync("/login?returnUrl=" + Uri.EscapeDataString(target));
        var password = await client.PostFormAsync("/login?returnUrl=" + Uri.EscapeDataString(target), login, new Dictionary<string, string>
        {
            ["Form.Email"] = user.Email!,
            ["Form.Password"] = PorticoApp.Password,
            ["ReturnUrl"] = target,
        });

        var response = await EnterCodeAsync(client, await phone.NextCodeAsync(), password.Headers.Location!.OriginalString);

        Assert.Equal(target, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_code_works_only_once()
    {
        var (_, user, first) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var (phone, _, _) = await EnableAsync(first);

        // The code that turned it on, replayed at sign-in within its 30 seconds.
        using var client = await app.SignInAsync(user);
        var replay = await EnterCodeAsync(client, phone.LastCode());
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);

        var fresh = await EnterCodeAsync(client, await phone.NextCodeAsync());
        Assert.Equal(HttpStatusCode.Redirect, fresh.StatusCode);
        using var other = await app.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await EnterCodeAsync(other, phone.LastCode())).StatusCode);
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once_and_not_twice()
    {
        var (account, user, owner) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var (_, codes, _) = await EnableAsync(owner);

        using var client = await app.SignInAsync(user);
        var used = await EnterRecoveryCodeAsync(client, codes[3].ToLowerInvariant());
        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        var success = await app.WithDbAsync((db, _) => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.TwoFactorSucceeded && e.ActorUserId == user.Id));
        Assert.Contains("recovery_code", success.Details, StringComparison.Ordinal);
        Assert.Equal("9", (await client.GetPageAsync("/account/security")).QuerySelector("[data-testid=recovery-codes-left]")!.TextContent);

        using var again = await app.SignInAsync(user);
        var reused = await EnterRecoveryCodeAsync(again, codes[3]);
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        var page = await PorticoClient.ParseAsync(reused);
        Assert.Contains("used already", page.QuerySelector("[data-valmsg-for=RecoveryCode]")!.TextContent, StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.TwoFactorFailed && e.ActorUserId == user.Id)));
        Assert.Equal(1, await AccessFailedCountAsync(app, user));
    }

    [Fact]
    public async Task Five_wrong_codes_lock_the_person_out_even_with_a_recovery_code_and_email_them()
    {
        var (_, user, owner) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var (phone, codes, _) = await EnableAsync(owner);
        using var client = await app.SignInAsync(user);

        for (var i = 0; i < 5; i++)
        {
            await EnterCodeAsync(client, phone.WrongCode());
        }
        var withRecoveryCode = await EnterRecoveryCodeAsync(client, codes[0]);
        var withRightCode = await EnterCodeAsync(client, await phone.NextCodeAsync());

        await LockoutSteps.AssertLockedOutAsync(app, user, withRecoveryCode, withRightCode);
    }

    [Fact]
    public async Task The_code_page_without_the_password_step_sends_people_to_sign_in()
    {
        using var client = app.Anonymous();

        var response = await client.Http.GetAsync(new Uri("/login/two-factor", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.OriginalString);
    }
}
