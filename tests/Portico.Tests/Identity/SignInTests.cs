namespace Portico.Tests.Identity;

public sealed class SignInTests(PorticoApp app) : AppTests
{
    private const string NoMatch = "That email and password do not match an account.";

    [Fact]
    public async Task A_customer_signs_in_and_lands_on_their_account_with_an_audit_event()
    {
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);

        var home = await client.Http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal($"/a/{account.Id}", home.Headers.Location!.OriginalString);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.LoginSucceeded && e.ActorUserId == user.Id)));
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_answer_and_are_audited()
    {
        var user = await app.CreateUserAsync();
        using var client = app.Anonymous();

        var wrong = await client.LoginAsync(user.Email!, "not-the-password-at-all");
        var unknown = await client.LoginAsync($"nobody-{PorticoApp.Unique()}@example.com", "whatever-password");

        foreach (var response in new[] { wrong, unknown })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await PorticoClient.ParseAsync(response);
            Assert.Equal(NoMatch, page.QuerySelector("[role=alert] li")?.TextContent.Trim());
            Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("portico.session", StringComparison.Ordinal)));
        }
        var failures = await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == AuditActions.LoginFailed).Select(e => e.Details).ToListAsync());
        Assert.Contains(failures, d => d!.Contains("wrong_password", StringComparison.Ordinal));
        Assert.Contains(failures, d => d!.Contains("unknown_email", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_user_out_audit_it_and_email_them()
    {
        var user = await app.CreateUserAsync();
        using var client = app.Anonymous();

        for (var i = 0; i < 5; i++)
        {
            await client.LoginAsync(user.Email!, "wrong-password-" + i);
        }
        var withRightPassword = await client.LoginAsync(user.Email!, PorticoApp.Password);

        await LockoutSteps.AssertLockedOutAsync(app, user, withRightPassword);
    }

    [Fact]
    public async Task Invalid_form_input_gets_field_messages_and_signs_nobody_in()
    {
        using var client = app.Anonymous();
        var page = await client.GetPageAsync("/login");

        var response = await client.PostFormAsync("/login", page, new Dictionary<string, string> { ["Form.Email"] = "not an email", ["Form.Password"] = "" });

        var result = await PorticoClient.ParseAsync(response);
        Assert.Equal("Enter a valid email address.", result.QuerySelector("[data-valmsg-for='Form.Email']")!.TextContent.Trim());
        Assert.Equal("Enter your password.", result.QuerySelector("[data-valmsg-for='Form.Password']")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_login_post_without_the_antiforgery_token_is_refused()
    {
        var user = await app.CreateUserAsync();
        using var client = app.Anonymous();
        await client.GetPageAsync("/login");

        var response = await client.Http.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Form.Email"] = user.Email!,
            ["Form.Password"] = PorticoApp.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_tampered_session_cookie_is_treated_as_signed_out()
    {
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        var probe = await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);

        using var forged = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, $"/a/{account.Id}");
        // Shaped like a protected cookie, but not made with the app's keys.
        request.Headers.Add("Cookie", "portico.session=CfDJ8" + new string('A', 300));
        var response = await forged.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        var page = await client.GetPageAsync($"/a/{account.Id}");

        var logout = await client.PostFormAsync("/logout", page, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        var after = await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.LoggedOut && e.ActorUserId == user.Id)));
    }
}
