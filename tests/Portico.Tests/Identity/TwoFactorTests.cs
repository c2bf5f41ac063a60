using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Features.Accounts;
using Portico.Features.Audit;
using Portico.Features.Identity;
using Portico.Tests.Infrastructure;
using static Portico.Tests.Identity.TwoFactorSteps;

namespace Portico.Tests.Identity;

[Collection(AppCollection.Name)]
public sealed class TwoFactorTests(PorticoApp app)
{
    [Fact]
    public void The_test_authenticator_makes_the_codes_of_the_standard()
    {
        // RFC 6238, appendix B: SHA-1 key "12345678901234567890", T = 59 s and T = 1111111109 s.
        var secret = "12345678901234567890"u8.ToArray();
        Assert.Equal("94287082", Totp.Code(secret, 59 / 30, 8));
        Assert.Equal("07081804", Totp.Code(secret, 1111111109 / 30, 8));
        Assert.Equal(secret, Totp.Base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    }

    [Fact]
    public async Task The_security_page_shows_two_factor_off_and_offers_set_up_with_key_link_and_qr_code()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var client = await app.SignInAsync(user);

        var page = await client.GetPageAsync("/account/security");
        Assert.Contains("is off", page.QuerySelector("[data-testid=two-factor-status]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("header a[href='/account/security']"));

        var setup = await StartSetupAsync(client);
        var key = setup.QuerySelector("[data-testid=authenticator-key]")!.TextContent.Trim();
        Assert.Matches("^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$", key);
        var link = setup.QuerySelector("[data-testid=setup-link]")!.GetAttribute("href");
        Assert.Equal($"otpauth://totp/Portico:{Uri.EscapeDataString(user.Email!)}?secret={key.Replace(" ", "", StringComparison.Ordinal)}&issuer=Portico&digits=6", link);
        Assert.StartsWith("data:image/png;base64,", setup.QuerySelector("img.qr-code")!.GetAttribute("src"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enabling_with_a_wrong_code_fails_is_audited_and_leaves_two_factor_off()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var client = await app.SignInAsync(user);
        var setup = await StartSetupAsync(client);
        var phone = new TestAuthenticator(setup.QuerySelector("[data-testid=authenticator-key]")!.TextContent.Trim());

        var response = await client.PostFormAsync("/account/security?handler=Enable", setup, new Dictionary<string, string> { ["Code"] = phone.WrongCode() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Contains("That code is not right", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.QuerySelectorAll("[data-testid=recovery-code]"));
        Assert.NotNull(page.QuerySelector("[data-testid=authenticator-key]"));
        Assert.False(await TwoFactorEnabledAsync(app, user));
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.TwoFactorFailed && e.ActorUserId == user.Id)));
        // Still only a password to sign in.
        using var again = await app.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync(new Uri("/account/security", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Enabling_with_the_right_code_turns_it_on_and_shows_ten_recovery_codes_once()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var client = await app.SignInAsync(user);

        var (_, codes, page) = await EnableAsync(client);

        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.Contains("is on", page.QuerySelector("[data-testid=two-factor-status]")!.TextContent, StringComparison.Ordinal);
        Assert.True(await TwoFactorEnabledAsync(app, user));
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.TwoFactorEnabled && e.ActorUserId == user.Id)));
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.RecoveryCodesGenerated && e.ActorUserId == user.Id)));
        // The session that turned it on goes on; the codes are not shown again.
        var later = await client.GetPageAsync("/account/security");
        Assert.Empty(later.QuerySelectorAll("[data-testid=recovery-code]"));
        Assert.Equal("10", later.QuerySelector("[data-testid=recovery-codes-left]")!.TextContent);
    }

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
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var first = await app.SignInAsync(user);
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
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var owner = await app.SignInAsync(user);
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
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var owner = await app.SignInAsync(user);
        var (phone, codes, _) = await EnableAsync(owner);
        using var client = await app.SignInAsync(user);

        for (var i = 0; i < 5; i++)
        {
            await EnterCodeAsync(client, phone.WrongCode());
        }
        var withRecoveryCode = await EnterRecoveryCodeAsync(client, codes[0]);
        var withRightCode = await EnterCodeAsync(client, await phone.NextCodeAsync());

        foreach (var response in new[] { withRecoveryCode, withRightCode })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await PorticoClient.ParseAsync(response);
            Assert.Contains("locked", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        }
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.LockedOut && e.ActorUserId == user.Id)));
        var email = await app.Mail.WaitForAsync(m => m.Contains(user.Email!, StringComparison.Ordinal));
        Assert.Contains("Subject: Your sign-in was locked", email, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_code_page_without_the_password_step_sends_people_to_sign_in()
    {
        using var client = app.Anonymous();

        var response = await client.Http.GetAsync(new Uri("/login/two-factor", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Turning_it_off_takes_a_current_code_and_then_a_password_is_enough()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var client = await app.SignInAsync(user);
        var (phone, _, page) = await EnableAsync(client);

        var refused = await client.PostFormAsync("/account/security?handler=Disable", page, new Dictionary<string, string> { ["Code"] = phone.WrongCode() });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("That code is not right", (await PorticoClient.ParseAsync(refused)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.True(await TwoFactorEnabledAsync(app, user));
        var empty = await client.PostFormAsync("/account/security?handler=Disable", page, new Dictionary<string, string> { ["Code"] = "" });
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.True(await TwoFactorEnabledAsync(app, user));

        var turnedOff = await client.PostFormAsync("/account/security?handler=Disable", page, new Dictionary<string, string> { ["Code"] = await phone.NextCodeAsync() });
        Assert.Equal(HttpStatusCode.Redirect, turnedOff.StatusCode);
        Assert.False(await TwoFactorEnabledAsync(app, user));
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.TwoFactorDisabled && e.ActorUserId == user.Id)));
        Assert.Contains("is off", (await client.GetPageAsync("/account/security")).QuerySelector("[data-testid=two-factor-status]")!.TextContent, StringComparison.Ordinal);

        using var again = app.Anonymous();
        var login = await again.LoginAsync(user.Email!, PorticoApp.Password);
        Assert.Equal("/", login.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task New_recovery_codes_take_a_current_code_and_replace_the_old_ones()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var client = await app.SignInAsync(user);
        var (phone, oldCodes, page) = await EnableAsync(client);

        var refused = await client.PostFormAsync("/account/security?handler=RecoveryCodes", page, new Dictionary<string, string> { ["Code"] = phone.WrongCode() });
        Assert.Empty((await PorticoClient.ParseAsync(refused)).QuerySelectorAll("[data-testid=recovery-code]"));

        var response = await client.PostFormAsync("/account/security?handler=RecoveryCodes", page, new Dictionary<string, string> { ["Code"] = await phone.NextCodeAsync() });
        var newCodes = RecoveryCodes(await PorticoClient.ParseAsync(response));
        Assert.Equal(10, newCodes.Count);
        Assert.Empty(newCodes.Intersect(oldCodes));
        Assert.Equal(2, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.RecoveryCodesGenerated && e.ActorUserId == user.Id)));

        using var old = await app.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await EnterRecoveryCodeAsync(old, oldCodes[0])).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await EnterRecoveryCodeAsync(old, newCodes[0])).StatusCode);
    }

    [Fact]
    public async Task Security_forms_refuse_posts_without_the_antiforgery_token()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var client = await app.SignInAsync(user);
        await client.GetPageAsync("/account/security");

        var response = await client.Http.PostAsync(new Uri("/account/security?handler=Setup", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await app.WithDbAsync(async (_, services) =>
            await services.GetRequiredService<UserManager<PorticoUser>>().GetAuthenticatorKeyAsync((await services.GetRequiredService<UserManager<PorticoUser>>().FindByIdAsync(user.Id.ToString()))!)));
    }
}

/// The app with two-factor sign-in required for staff.
public sealed class RequiredMfaApp : PorticoApp
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["Security:RequireMfaForStaff"] = "true" };
}

[CollectionDefinition(Name)]
public sealed class RequiredMfaCollection : ICollectionFixture<RequiredMfaApp>
{
    public const string Name = "required-mfa";
}

[Collection(RequiredMfaCollection.Name)]
public sealed class RequiredTwoFactorTests(RequiredMfaApp app)
{
    [Fact]
    public async Task Staff_without_two_factor_are_sent_to_set_up_and_get_nothing_from_staff_pages_until_done()
    {
        var account = await app.CreateAccountAsync();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);

        var home = await client.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal("/staff", home.Headers.Location!.OriginalString);
        foreach (var path in new[] { "/staff", "/staff/accounts", $"/staff/accounts/{account.Id}", "/staff/requests", "/staff/invoices", "/staff/audit", "/staff/roles" })
        {
            var response = await client.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/account/security", response.Headers.Location!.OriginalString);
        }
        var api = await client.Http.GetAsync(new Uri("/api/staff/audit", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);

        var security = await client.GetPageAsync("/account/security");
        Assert.NotNull(security.QuerySelector("[data-testid=mfa-required]"));

        var (phone, _, page) = await EnableAsync(client);
        Assert.Null(page.QuerySelector("[data-testid=mfa-required]"));
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri("/staff", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri("/api/staff/audit", UriKind.Relative))).StatusCode);

        // Required means it cannot be turned off, even with a right code.
        Assert.Null(page.QuerySelector("form[action*=Disable]"));
        var refused = await client.PostFormAsync("/account/security?handler=Disable", page, new Dictionary<string, string> { ["Code"] = await phone.NextCodeAsync() });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("cannot be turned off", (await PorticoClient.ParseAsync(refused)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.True(await TwoFactorEnabledAsync(app, admin));

        // The next sign-in takes a code, and then the console opens.
        using var next = await app.SignInAsync(admin);
        Assert.Equal(HttpStatusCode.Redirect, (await next.Http.GetAsync(new Uri("/staff", UriKind.Relative))).StatusCode);
        await EnterCodeAsync(next, await phone.NextCodeAsync());
        Assert.Equal(HttpStatusCode.OK, (await next.Http.GetAsync(new Uri("/staff", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Customers_are_not_asked_to_set_it_up()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var client = await app.SignInAsync(user);

        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        Assert.Null((await client.GetPageAsync("/account/security")).QuerySelector("[data-testid=mfa-required]"));
        // Staff pages still refuse them outright rather than offering set-up.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(new Uri("/staff", UriKind.Relative))).StatusCode);
    }
}

public static class TwoFactorSteps
{
    public static async Task<IHtmlDocument> StartSetupAsync(PorticoClient client)
    {
        var page = await client.GetPageAsync("/account/security");
        var response = await client.PostFormAsync("/account/security?handler=Setup", page, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await client.GetPageAsync(response.Headers.Location!.OriginalString);
    }

    /// Sets up an authenticator through the security page; returns the phone, the recovery codes and the page showing them.
    public static async Task<(TestAuthenticator Phone, IReadOnlyList<string> RecoveryCodes, IHtmlDocument Page)> EnableAsync(PorticoClient client)
    {
        var setup = await StartSetupAsync(client);
        var phone = new TestAuthenticator(setup.QuerySelector("[data-testid=authenticator-key]")!.TextContent.Trim());
        var response = await client.PostFormAsync("/account/security?handler=Enable", setup, new Dictionary<string, string> { ["Code"] = await phone.NextCodeAsync() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        var codes = RecoveryCodes(page);
        Assert.NotEmpty(codes);
        return (phone, codes, page);
    }

    public static async Task<TestAuthenticator> EnableForAsync(PorticoApp app, PorticoUser user)
    {
        using var client = await app.SignInAsync(user);
        return (await EnableAsync(client)).Phone;
    }

    public static List<string> RecoveryCodes(IHtmlDocument page) =>
        page.QuerySelectorAll("[data-testid=recovery-code]").Select(e => e.TextContent.Trim()).ToList();

    public static async Task<HttpResponseMessage> EnterCodeAsync(PorticoClient client, string code, string url = "/login/two-factor")
    {
        var page = await client.GetPageAsync(url);
        return await client.PostFormAsync(url, page, new Dictionary<string, string> { ["Code"] = code });
    }

    public static async Task<HttpResponseMessage> EnterRecoveryCodeAsync(PorticoClient client, string code)
    {
        var page = await client.GetPageAsync("/login/two-factor");
        return await client.PostFormAsync("/login/two-factor?handler=Recovery", page, new Dictionary<string, string> { ["RecoveryCode"] = code });
    }

    public static Task<bool> TwoFactorEnabledAsync(PorticoApp app, PorticoUser user) =>
        app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.TwoFactorEnabled).SingleAsync());

    public static Task<int> AccessFailedCountAsync(PorticoApp app, PorticoUser user) =>
        app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.AccessFailedCount).SingleAsync());

    public static Task<int> SignInCountAsync(PorticoApp app, PorticoUser user) =>
        app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.LoginSucceeded && e.ActorUserId == user.Id));

    public static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];
}

public sealed class TwoFactorRateLimitTests : IAsyncLifetime
{
    private sealed class StrictApp : PorticoApp
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["LoginLimits:PerMinutePerAddress"] = "3" };
    }

    private readonly StrictApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_code_step_shares_the_sign_in_rate_limit()
    {
        using var client = _app.Anonymous();
        // Opening the pages counts for nothing: a busy office behind one address still sees them.
        for (var i = 0; i < 5; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.Http.GetAsync(new Uri(i % 2 == 0 ? "/login/two-factor" : "/login", UriKind.Relative))).StatusCode);
        }
        // Posting the code step and the sign-in form draws on one budget of three.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var empty = new FormUrlEncodedContent([]);
            statuses.Add((await client.Http.PostAsync(new Uri(i % 2 == 0 ? "/login/two-factor" : "/login", UriKind.Relative), empty)).StatusCode);
        }

        Assert.All(statuses.Take(3), s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(3));
    }
}
