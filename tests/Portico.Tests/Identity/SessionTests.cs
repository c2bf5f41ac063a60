namespace Portico.Tests.Identity;

public sealed class SessionTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task A_person_sees_their_sessions_and_ends_the_others_which_are_signed_out_at_once()
    {
        var (account, user, laptop) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        using var phone = await app.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await phone.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);

        var page = await laptop.GetPageAsync("/account/sessions");
        Assert.Equal(2, page.QuerySelectorAll("[data-testid=session]").Length);
        Assert.Single(page.QuerySelectorAll("[data-testid=session]"), r => r.TextContent.Contains("This browser", StringComparison.Ordinal));
        // The cookie carries only a key; the ticket is stored encrypted.
        var tickets = await app.WithDbAsync((db, _) => db.UserSessions.Where(s => s.UserId == user.Id).Select(s => s.Ticket).ToListAsync());
        Assert.Equal(2, tickets.Count);
        Assert.All(tickets, t => Assert.DoesNotContain(user.Email!, System.Text.Encoding.UTF8.GetString(t), StringComparison.Ordinal));

        var ended = await laptop.PostFormAsync("/account/sessions?handler=End", page, new Dictionary<string, string> { ["others"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        var phoneAfter = await phone.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, phoneAfter.StatusCode);
        Assert.StartsWith("/login", phoneAfter.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await laptop.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server()
    {
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        var page = await client.GetPageAsync($"/a/{account.Id}");
        var sessionsBefore = await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == user.Id && s.RevokedAt == null));
        Assert.Equal(1, sessionsBefore);

        var logout = await client.PostFormAsync("/logout", page, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == user.Id && s.RevokedAt == null)));
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Someone_already_signed_in_cannot_sign_in_over_that_session_as_another_person()
    {
        var (account, first) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var (_, second) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var browser = await app.SignInAsync(first);

        foreach (var path in new[] { "/login", "/login/link", "/login/two-factor", "/account/forgot-password", "/account/reset-password" })
        {
            var page = await browser.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/login/already", page.Headers.Location!.OriginalString);
        }
        var already = await browser.GetPageAsync("/login/already");
        Assert.Contains(first.Email!, already.QuerySelector("[data-testid=already-signed-in]")!.TextContent, StringComparison.Ordinal);

        // A password sign-in posted anyway (with this session's own antiforgery token) signs nobody in.
        var profile = await browser.GetPageAsync("/account/profile");
        var posted = await browser.PostFormAsync("/login", profile, new Dictionary<string, string>
        {
            ["Form.Email"] = second.Email!,
            ["Form.Password"] = PorticoApp.Password,
        });
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/login/already", posted.Headers.Location!.OriginalString);
        Assert.Contains(first.Email!, await browser.Http.GetStringAsync(new Uri("/api/me", UriKind.Relative)), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == second.Id)));
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == first.Id && s.RevokedAt == null)));

        // After signing out, the same browser signs in as the other person under a session of their own.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("/logout", already, new Dictionary<string, string>())).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LoginAsync(second.Email!, PorticoApp.Password)).StatusCode);
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == second.Id && s.RevokedAt == null)));
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == first.Id && s.RevokedAt == null)));
    }
}
