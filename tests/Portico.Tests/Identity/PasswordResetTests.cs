using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Identity;

namespace Portico.Tests.Identity;

public sealed class PasswordResetTests(PorticoApp app) : AppTests
{
    private const string NewPassword = "Brand-new-password-77";
    private const string ResetPath = "/account/reset-password";

    private static Task<HttpResponseMessage> AskAsync(PorticoClient client, string email) =>
        client.SubmitAsync("/account/forgot-password", new Dictionary<string, string> { ["Email"] = email });

    /// Asks for a reset in a browser of its own and returns the link from the email.
    private async Task<string> LinkForAsync(PorticoUser user)
    {
        using var browser = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(browser, user.Email!)).StatusCode);
        return await app.Mail.LinkAsync(user.Email!, ResetPath);
    }

    private static Task<HttpResponseMessage> ResetAsync(PorticoClient client, string link, string password, string? confirm = null) =>
        client.SubmitAsync(link, new Dictionary<string, string>
        {
            ["Password.NewPassword"] = password, ["Password.ConfirmPassword"] = confirm ?? password,
        });

    private Task<string?> PasswordHashAsync(PorticoUser user) =>
        app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.PasswordHash).SingleAsync());

    private static string Answer(IHtmlDocument page) => page.QuerySelector("main")!.TextContent.Trim();

    [Fact]
    public async Task The_sign_in_page_shows_the_portals_brand_and_links_to_the_forgot_password_page()
    {
        using var browser = app.Anonymous();

        var login = await browser.GetPageAsync("/login");

        Assert.Contains("Portico", login.QuerySelector("[data-testid=sign-in-brand]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/img/logo.svg", login.QuerySelector("[data-testid=sign-in-brand] img")!.GetAttribute("src"));
        Assert.Equal("/account/forgot-password", login.QuerySelector("[data-testid=forgot-password]")!.GetAttribute("href"));
        var forgot = await browser.GetPageAsync("/account/forgot-password");
        Assert.NotNull(forgot.QuerySelector("[data-testid=sign-in-brand]"));
        Assert.NotNull(forgot.QuerySelector("input[name=Email]"));
    }

    [Fact]
    public async Task Unknown_locked_staff_and_known_addresses_get_the_same_answer_and_only_people_with_an_account_get_a_link()
    {
        var (_, known) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var (_, locked) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var staff = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        await app.WithDbAsync(async (_, services) =>
        {
            var users = services.GetRequiredService<UserManager<PorticoUser>>();
            return await users.SetLockoutEndDateAsync((await users.FindByIdAsync(locked.Id.ToString()))!, DateTimeOffset.UtcNow.AddHours(1));
        });
        var unknown = $"nobody-{PorticoApp.Unique()}@example.com";

        var answers = new List<string>();
        foreach (var address in new[] { unknown, known.Email!, locked.Email!, staff.Email! })
        {
            using var browser = app.Anonymous();
            var response = await AskAsync(browser, address);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await PorticoClient.ParseAsync(response);
            Assert.Contains("If an account exists for that address, we have sent a link", page.QuerySelector("[data-testid=reset-sent]")!.TextContent, StringComparison.Ordinal);
            answers.Add(Answer(page));
        }

        Assert.Single(answers.Distinct());
        foreach (var person in new[] { known, locked, staff })
        {
            Assert.StartsWith(ResetPath + "?user=" + person.Id, await app.Mail.LinkAsync(person.Email!, ResetPath), StringComparison.Ordinal);
        }
        Assert.DoesNotContain(app.Mail.Messages(), m => m.Contains(unknown, StringComparison.OrdinalIgnoreCase));
        var requested = await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == AuditActions.PasswordResetRequested).Select(e => e.TargetId).ToListAsync());
        Assert.Contains(known.Id.ToString(), requested);
        Assert.Contains(staff.Id.ToString(), requested);
    }

    [Fact]
    public async Task Following_the_link_sets_the_password_lifts_the_lockout_ends_other_sessions_and_signs_in_this_browser()
    {
        var (account, user, phone) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        using var laptop = await app.SignInAsync(user);
        var home = new Uri($"/a/{account.Id}", UriKind.Relative);
        Assert.Equal(HttpStatusCode.OK, (await phone.Http.GetAsync(home)).StatusCode);
        await app.WithDbAsync(async (_, services) =>
        {
            var users = services.GetRequiredService<UserManager<PorticoUser>>();
            return await users.SetLockoutEndDateAsync((await users.FindByIdAsync(user.Id.ToString()))!, DateTimeOffset.UtcNow.AddHours(1));
        });
        var link = await LinkForAsync(user);
        Assert.Contains("within 1 hour", MailLinks.Body(await app.Mail.WaitForAsync(m => m.Contains(user.Email!, StringComparison.Ordinal) && MailLinks.Body(m).Contains(ResetPath, StringComparison.Ordinal))), StringComparison.Ordinal);

        using var browser = app.Anonymous();
        var response = await ResetAsync(browser, link, NewPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync(home)).StatusCode);
        foreach (var other in new[] { phone, laptop })
        {
            var after = await other.Http.GetAsync(home);
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
            Assert.StartsWith("/login", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
        Assert.Null(await app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.LockoutEnd).SingleAsync()));
        using var stranger = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await stranger.LoginAsync(user.Email!, PorticoApp.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await stranger.LoginAsync(user.Email!, NewPassword)).StatusCode);

        var notice = await app.Mail.WaitForAsync(m => m.Contains(user.Email!, StringComparison.Ordinal) && m.Contains("Your password was changed", StringComparison.Ordinal));
        Assert.Contains("signed out everywhere", MailLinks.Body(notice), StringComparison.Ordinal);
        var audit = await app.WithDbAsync((db, _) => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.PasswordReset && e.TargetId == user.Id.ToString()));
        Assert.Contains("\"sessions_ended\":2", audit.Details, StringComparison.Ordinal);
        Assert.Equal(user.Id, audit.ActorUserId);
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.PasswordResetRequested && e.TargetId == user.Id.ToString())));
    }

    [Fact]
    public async Task A_used_link_is_refused_the_second_time_with_a_way_to_ask_for_a_new_one()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var link = await LinkForAsync(user);
        using (var first = app.Anonymous())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await ResetAsync(first, link, NewPassword)).StatusCode);
        }
        var hash = await PasswordHashAsync(user);

        using var second = app.Anonymous();
        var opened = await second.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, opened.StatusCode);
        var page = await PorticoClient.ParseAsync(opened);
        Assert.Contains("does not work any more", page.QuerySelector("[data-testid=reset-link-spent]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("a[href='/account/forgot-password']"));
        Assert.Null(page.QuerySelector("input[name='Password.NewPassword']"));

        var posted = await second.PostFormAsync(link, await second.GetPageAsync("/account/forgot-password"), new Dictionary<string, string>
        {
            ["Password.NewPassword"] = "Yet-another-password-9", ["Password.ConfirmPassword"] = "Yet-another-password-9",
        });
        Assert.Equal(HttpStatusCode.Gone, posted.StatusCode);
        Assert.Equal(hash, await PasswordHashAsync(user));
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.PasswordResetRefused && e.TargetId == user.Id.ToString())));
    }

    [Fact]
    public async Task A_tampered_link_is_refused_and_changes_nothing()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var (_, other) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var link = await LinkForAsync(user);
        var hash = await PasswordHashAsync(user);
        var code = link[(link.IndexOf("code=", StringComparison.Ordinal) + 5)..];
        // A changed character in the middle of the token, the token for another person, a code that is not base64url, none at all.
        var flipped = code[..20] + (code[20] == 'A' ? 'B' : 'A') + code[21..];
        var tampered = new[]
        {
            $"{ResetPath}?user={user.Id}&code={flipped}",
            $"{ResetPath}?user={other.Id}&code={code}",
            $"{ResetPath}?user={user.Id}&code=%21%21not-base64",
            $"{ResetPath}?user=not-a-guid&code={code}",
            $"{ResetPath}?user={user.Id}",
            ResetPath,
        };

        using var browser = app.Anonymous();
        var token = await browser.GetPageAsync("/account/forgot-password");
        foreach (var url in tampered)
        {
            Assert.Equal(HttpStatusCode.Gone, (await browser.Http.GetAsync(new Uri(url, UriKind.Relative))).StatusCode);
            var posted = await browser.PostFormAsync(url, token, new Dictionary<string, string>
            {
                ["Password.NewPassword"] = NewPassword, ["Password.ConfirmPassword"] = NewPassword,
            });
            Assert.Equal(HttpStatusCode.Gone, posted.StatusCode);
        }

        Assert.Equal(hash, await PasswordHashAsync(user));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LoginAsync(user.Email!, PorticoApp.Password)).StatusCode);
        Assert.Equal(3, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.PasswordResetRefused && e.TargetId == user.Id.ToString())));
    }

    [Fact]
    public async Task Bad_input_gets_clear_messages_and_leaves_the_link_working()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var browser = app.Anonymous();
        Assert.Equal("Enter your email address.", await PorticoClient.FieldErrorAsync(await AskAsync(browser, ""), HttpStatusCode.UnprocessableEntity, "Email"));
        Assert.Equal("Enter a valid email address.", await PorticoClient.FieldErrorAsync(await AskAsync(browser, "not-an-email"), HttpStatusCode.UnprocessableEntity, "Email"));
        var link = await LinkForAsync(user);
        var hash = await PasswordHashAsync(user);

        Assert.Contains("at least 12 characters",
            await PorticoClient.FieldErrorAsync(await ResetAsync(browser, link, "Short-1"), HttpStatusCode.UnprocessableEntity, "Password.NewPassword"), StringComparison.Ordinal);
        Assert.Contains("uppercase",
            await PorticoClient.FieldErrorAsync(await ResetAsync(browser, link, "all-lower-case-1234"), HttpStatusCode.UnprocessableEntity, "Password.NewPassword"), StringComparison.Ordinal);
        Assert.Equal("The two new passwords are not the same.",
            await PorticoClient.FieldErrorAsync(await ResetAsync(browser, link, NewPassword, NewPassword + "x"), HttpStatusCode.UnprocessableEntity, "Password.ConfirmPassword"));
        Assert.Equal("Enter a new password.",
            await PorticoClient.FieldErrorAsync(await ResetAsync(browser, link, ""), HttpStatusCode.UnprocessableEntity, "Password.NewPassword"));
        Assert.Equal(hash, await PasswordHashAsync(user));

        Assert.Equal(HttpStatusCode.Redirect, (await ResetAsync(browser, link, NewPassword)).StatusCode);
        Assert.NotEqual(hash, await PasswordHashAsync(user));
    }

    [Fact]
    public async Task Someone_with_an_authenticator_app_is_sent_to_sign_in_with_it_rather_than_signed_in()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        await TwoFactorSteps.EnableForAsync(app, user);
        var link = await LinkForAsync(user);

        using var browser = app.Anonymous();
        var response = await ResetAsync(browser, link, NewPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?reset=done", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        // Not even half-way: no code step is waiting for this browser, it starts at the sign-in form.
        var codeStep = await browser.Http.GetAsync(new Uri("/login/two-factor", UriKind.Relative));
        Assert.Equal("/login", codeStep.Headers.Location?.OriginalString);
        var login = await browser.GetPageAsync("/login?reset=done");
        Assert.Contains("Your password was changed", login.QuerySelector("[data-testid=password-reset-done]")!.TextContent, StringComparison.Ordinal);
        var signIn = await browser.LoginAsync(user.Email!, NewPassword);
        Assert.StartsWith("/login/two-factor", signIn.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_uses_of_one_link_at_once_set_the_password_once()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var link = await LinkForAsync(user);
        using var first = app.Anonymous();
        using var second = app.Anonymous();
        var firstPage = await first.GetPageAsync(link);
        var secondPage = await second.GetPageAsync(link);

        var responses = await Task.WhenAll(
            first.PostFormAsync(link, firstPage, new Dictionary<string, string> { ["Password.NewPassword"] = NewPassword, ["Password.ConfirmPassword"] = NewPassword }),
            second.PostFormAsync(link, secondPage, new Dictionary<string, string> { ["Password.NewPassword"] = "Second-password-88", ["Password.ConfirmPassword"] = "Second-password-88" }));

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Gone], responses.Select(r => r.StatusCode).Order());
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.PasswordReset && e.TargetId == user.Id.ToString())));
        var winner = responses[0].StatusCode == HttpStatusCode.Redirect ? NewPassword : "Second-password-88";
        using var check = app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await check.LoginAsync(user.Email!, winner)).StatusCode);
    }
}
