namespace Portico.Tests.Identity;

public sealed class AccountMfaTests(PorticoApp app) : AppTests
{
    private static Task<HttpResponseMessage> StaffPostAsync(PorticoClient client, Guid accountId, string handler, Dictionary<string, string> fields) =>
        client.SubmitAsync($"/staff/accounts/{accountId}", fields, handler);

    [Fact]
    public async Task Members_of_an_account_that_requires_two_factor_are_sent_to_set_it_up_and_the_api_says_why()
    {
        var (account, member) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var (otherAccount, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        await app.AddMemberAsync(otherAccount, member, BuiltInRoles.Viewer);
        using var client = await app.SignInAsync(member);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);

        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var staff = await app.SignInAsync(admin);
        var set = await StaffPostAsync(staff, account.Id, "RequireMfa", new() { ["required"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.AccountMfaPolicyChanged
            && e.AccountId == account.Id && e.ActorUserId == admin.Id && e.Details!.Contains("true"))));
        Assert.Contains("must", (await staff.GetPageAsync($"/staff/accounts/{account.Id}")).QuerySelector("[data-testid=account-mfa-status]")!.TextContent, StringComparison.Ordinal);

        // The session already open is stopped at once, on pages and the API.
        foreach (var path in new[] { $"/a/{account.Id}", $"/a/{account.Id}/contacts", $"/a/{account.Id}/requests" })
        {
            var response = await client.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/account/security", response.Headers.Location!.OriginalString);
        }
        var api = await client.Http.GetAsync(new Uri($"/api/accounts/{account.Id}/memberships", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
        using (var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync()))
        {
            Assert.Equal("Two-factor sign-in required", problem.RootElement.GetProperty("title").GetString());
            Assert.Contains("/account/security", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.DoesNotContain(member.Email!, await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The other account, which does not require it, still opens.
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri($"/a/{otherAccount.Id}", UriKind.Relative))).StatusCode);

        // Outsiders learn nothing about the rule: still 404.
        var (_, outsider, outsiderClient) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderClient.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsiderClient.Http.GetAsync(new Uri($"/api/accounts/{account.Id}/memberships", UriKind.Relative))).StatusCode);

        var security = await client.GetPageAsync("/account/security");
        Assert.Contains(account.Name, security.QuerySelector("[data-testid=account-mfa-required]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(otherAccount.Name, security.QuerySelector("[data-testid=account-mfa-required]")!.TextContent, StringComparison.Ordinal);

        var (phone, _, page) = await EnableAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri($"/api/accounts/{account.Id}/memberships", UriKind.Relative))).StatusCode);
        Assert.NotNull((await client.GetPageAsync($"/a/{account.Id}/contacts")).QuerySelector("[data-testid=account-mfa-required]"));

        // While an account requires it, it cannot be turned off.
        Assert.Null(page.QuerySelector("form[action*=Disable]"));
        var refused = await client.PostFormAsync("/account/security?handler=Disable", page, new Dictionary<string, string> { ["Code"] = await phone.NextCodeAsync() });
        Assert.Contains("cannot be turned off", (await PorticoClient.ParseAsync(refused)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.True(await TwoFactorEnabledAsync(app, member));

        var unset = await StaffPostAsync(staff, account.Id, "RequireMfa", new() { ["required"] = "false" });
        Assert.Equal(HttpStatusCode.Redirect, unset.StatusCode);
        Assert.False(await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.RequireMfa).SingleAsync()));
    }

    [Fact]
    public async Task An_admin_resets_a_lost_authenticator_with_a_reason_which_ends_every_session_is_audited_and_emailed()
    {
        var (account, member) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var phone = await EnableForAsync(app, member);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var staff = await app.SignInAsync(admin);
        // A session of the member fully signed in with password and code.
        using var session = await app.SignInAsync(member);
        Assert.Equal(HttpStatusCode.Redirect, (await EnterCodeAsync(session, await phone.NextCodeAsync())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        var stampBefore = await StampAsync(member);

        var noReason = await StaffPostAsync(staff, account.Id, "ResetTwoFactor", new() { ["userId"] = member.Id.ToString(), ["reason"] = "  " });
        Assert.Contains("reason", await PorticoClient.ActionErrorAsync(noReason, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        Assert.True(await TwoFactorEnabledAsync(app, member));

        // Someone who is not a person of this account is not reset from its page.
        var (_, stranger) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        await EnableForAsync(app, stranger);
        var foreign = await StaffPostAsync(staff, account.Id, "ResetTwoFactor", new() { ["userId"] = stranger.Id.ToString(), ["reason"] = "lost phone" });
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.True(await TwoFactorEnabledAsync(app, stranger));

        var reset = await StaffPostAsync(staff, account.Id, "ResetTwoFactor", new() { ["userId"] = member.Id.ToString(), ["reason"] = "Lost phone, confirmed by call " + PorticoApp.Unique() });
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);

        Assert.False(await TwoFactorEnabledAsync(app, member));
        Assert.NotEqual(stampBefore, await StampAsync(member));
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.UserTokens.CountAsync(t => t.UserId == member.Id && (t.Name == "AuthenticatorKey" || t.Name == "RecoveryCodes"))));
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == member.Id && s.RevokedAt == null)));
        var ended = await session.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.StartsWith("/login", ended.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var details = await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == AuditActions.TwoFactorReset && e.TargetId == member.Id.ToString())
            .Select(e => new { e.Details, e.ActorUserId }).SingleAsync());
        Assert.Equal(admin.Id, details.ActorUserId);
        Assert.Contains("Lost phone, confirmed by call", details.Details, StringComparison.Ordinal);
        var email = await app.Mail.WaitForAsync(m => m.Contains(member.Email!, StringComparison.Ordinal) && m.Contains("two-factor sign-in was reset", StringComparison.Ordinal));
        Assert.Contains("Lost phone, confirmed by call", email, StringComparison.Ordinal);

        // The password alone signs in again, and a second reset has nothing to do.
        using var after = await app.SignInAsync(member);
        Assert.Equal(HttpStatusCode.OK, (await after.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        var again = await StaffPostAsync(staff, account.Id, "ResetTwoFactor", new() { ["userId"] = member.Id.ToString(), ["reason"] = "again" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
    }

    private Task<string?> StampAsync(PorticoUser user) =>
        app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.SecurityStamp).SingleAsync());
}
