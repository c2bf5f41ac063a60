namespace Portico.Tests.Identity;

/// Setting up an authenticator app on the security page, turning it off and renewing recovery codes.
public sealed class TwoFactorSetupTests(PorticoApp app) : AppTests
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
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);

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
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
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
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);

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
    public async Task Turning_it_off_takes_a_current_code_and_then_a_password_is_enough()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
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
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
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
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        await client.GetPageAsync("/account/security");

        var response = await client.Http.PostAsync(new Uri("/account/security?handler=Setup", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await app.WithDbAsync(async (_, services) =>
            await services.GetRequiredService<UserManager<PorticoUser>>().GetAuthenticatorKeyAsync((await services.GetRequiredService<UserManager<PorticoUser>>().FindByIdAsync(user.Id.ToString()))!)));
    }
}
