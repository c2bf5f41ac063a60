using Portico.Infrastructure.Email;

namespace Portico.Tests.Identity;

public sealed class EmailChangeTests(PorticoApp app) : AppTests
{
    private sealed record Stored(string? Email, string? NormalizedEmail, string? UserName, string? NormalizedUserName, bool EmailConfirmed, string? Stamp, int AccessFailedCount);

    private static string NewAddress() => $"moved-{PorticoApp.Unique()}@example.com";

    private static async Task<HttpResponseMessage> RequestAsync(PorticoClient client, string newEmail, string? password = PorticoApp.Password)
    {
        var profile = await client.GetPageAsync("/account/profile");
        // The form's own token, so a form rendered without one fails here as it would in a browser.
        var form = profile.QuerySelector("form[action='/account/email']")!;
        Assert.NotNull(form.QuerySelector("input[name='EmailChange.NewEmail']"));
        var fields = new Dictionary<string, string>
        {
            ["EmailChange.NewEmail"] = newEmail,
            ["__RequestVerificationToken"] = form.QuerySelector("input[name='__RequestVerificationToken']")!.GetAttribute("value")!,
        };
        if (password is not null)
        {
            fields["EmailChange.CurrentPassword"] = password;
        }
        return await client.Http.PostAsync(new Uri("/account/email", UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    /// Asks for the change on the profile page; the confirmation link sent to the new address.
    private async Task<string> ConfirmationLinkAsync(PorticoClient client, string newEmail)
    {
        Assert.Equal(HttpStatusCode.Redirect, (await RequestAsync(client, newEmail)).StatusCode);
        return await app.Mail.LinkAsync(newEmail, ChangeEmail.ConfirmPath);
    }

    private Task<Stored> StoredAsync(PorticoUser user) => app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id)
        .Select(u => new Stored(u.Email, u.NormalizedEmail, u.UserName, u.NormalizedUserName, u.EmailConfirmed, u.SecurityStamp, u.AccessFailedCount)).SingleAsync());

    /// Every email queued so far to the address, read from the outbox, where messages stay after delivery.
    private Task<List<EmailMessage>> QueuedToAsync(string address) => app.WithDbAsync(async (db, _) =>
        (await db.OutboxMessages.Where(m => m.Type == EmailOutbox.MessageType).Select(m => m.Payload).ToListAsync())
            .Select(p => JsonSerializer.Deserialize<EmailMessage>(p)!)
            .Where(m => string.Equals(m.To, address, StringComparison.OrdinalIgnoreCase)).ToList());

    private Task<List<string?>> AuditDetailsAsync(PorticoUser user, string action) => app.WithDbAsync((db, _) =>
        db.AuditEvents.Where(e => e.Action == action && e.TargetId == user.Id.ToString()).OrderBy(e => e.Sequence).Select(e => e.Details).ToListAsync());

    private static async Task<string> SentNoticeAsync(PorticoClient client)
    {
        var profile = await client.GetPageAsync("/account/profile");
        return profile.QuerySelector("[data-testid='email-change-sent']")?.TextContent.Trim() ?? "";
    }

    private static async Task<(HttpStatusCode Status, string Problem)> OpenAsync(PorticoClient client, string link)
    {
        var response = await client.Http.GetAsync(new Uri(link, UriKind.Relative));
        var page = await PorticoClient.ParseAsync(response);
        return (response.StatusCode, page.QuerySelector("[data-testid='email-confirm-problem']")?.TextContent.Trim() ?? "");
    }

    private static Task<string> ErrorForAsync(HttpResponseMessage response, string field) =>
        PorticoClient.FieldErrorAsync(response, HttpStatusCode.UnprocessableEntity, field);

    [Fact]
    public async Task A_new_address_confirmed_by_its_link_becomes_the_sign_in_ends_other_sessions_and_keeps_this_one()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var oldEmail = user.Email!;
        var newEmail = NewAddress();
        using var laptop = await app.SignInAsync(user);
        using var phone = await app.SignInAsync(user);
        var home = new Uri($"/a/{account.Id}", UriKind.Relative);
        Assert.Equal(HttpStatusCode.OK, (await phone.Http.GetAsync(home)).StatusCode);
        var before = await StoredAsync(user);

        var response = await RequestAsync(laptop, newEmail);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/profile", response.Headers.Location!.OriginalString);
        Assert.Contains($"We sent a confirmation link to {newEmail}", await SentNoticeAsync(laptop), StringComparison.Ordinal);
        // Nothing changes until the link is opened.
        Assert.Equal(before, await StoredAsync(user));
        var asked = MailLinks.Body(await app.Mail.WaitForAsync(m => m.Contains("To: " + oldEmail, StringComparison.OrdinalIgnoreCase)
            && m.Contains("A change of your email address was asked for", StringComparison.Ordinal)));
        Assert.Contains(newEmail, asked, StringComparison.Ordinal);
        Assert.DoesNotContain(ChangeEmail.ConfirmPath, asked, StringComparison.Ordinal);
        var link = await app.Mail.LinkAsync(newEmail, ChangeEmail.ConfirmPath);
        Assert.StartsWith(ChangeEmail.ConfirmPath + "?", link, StringComparison.Ordinal);

        var confirmed = await laptop.Http.GetAsync(new Uri(link, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal("/account/profile?done=email-changed", confirmed.Headers.Location!.OriginalString);
        var after = await StoredAsync(user);
        Assert.Equal(newEmail, after.Email);
        Assert.Equal(newEmail.ToUpperInvariant(), after.NormalizedEmail);
        Assert.Equal(newEmail, after.UserName);
        Assert.Equal(newEmail.ToUpperInvariant(), after.NormalizedUserName);
        Assert.True(after.EmailConfirmed);
        Assert.NotEqual(before.Stamp, after.Stamp);

        // This browser stays signed in, under the new address; the phone is signed out.
        Assert.Equal(HttpStatusCode.OK, (await laptop.Http.GetAsync(home)).StatusCode);
        var profile = await laptop.GetPageAsync("/account/profile?done=email-changed");
        Assert.Equal(newEmail, profile.QuerySelector("#email")!.GetAttribute("value"));
        Assert.Contains(newEmail, profile.QuerySelector("[data-testid='email-changed']")!.TextContent, StringComparison.Ordinal);
        // This session's ticket was issued again for the new address: what it does next is recorded under it.
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.PostFormAsync("/account/profile", profile, new Dictionary<string, string> { ["Form.DisplayName"] = "Moved Person" })).StatusCode);
        Assert.Equal(newEmail, await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == AuditActions.ProfileUpdated && e.TargetId == user.Id.ToString()).Select(e => e.ActorName).SingleAsync()));
        var phoneAfter = await phone.Http.GetAsync(home);
        Assert.Equal(HttpStatusCode.Redirect, phoneAfter.StatusCode);
        Assert.StartsWith("/login", phoneAfter.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        using var stranger = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await stranger.LoginAsync(oldEmail, PorticoApp.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await stranger.LoginAsync(newEmail, PorticoApp.Password)).StatusCode);

        var changed = MailLinks.Body(await app.Mail.WaitForAsync(m => m.Contains("To: " + oldEmail, StringComparison.OrdinalIgnoreCase)
            && m.Contains("Your email address was changed", StringComparison.Ordinal)));
        Assert.Contains(newEmail, changed, StringComparison.Ordinal);
        Assert.Single(await AuditDetailsAsync(user, AuditActions.EmailChangeRequested));
        var audit = Assert.Single(await AuditDetailsAsync(user, AuditActions.EmailChanged));
        Assert.Contains("\"other_sessions_ended\":1", audit, StringComparison.Ordinal);
        Assert.Contains(oldEmail, audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_sends_nothing_is_audited_and_counts_towards_lockout()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var newEmail = NewAddress();
        var before = await StoredAsync(user);

        var response = await RequestAsync(client, newEmail, "Not-the-password-at-all");

        Assert.Equal("That is not your current password.", await ErrorForAsync(response, "EmailChange.CurrentPassword"));
        Assert.Equal(1, (await StoredAsync(user)).AccessFailedCount);
        Assert.Equal(before with { AccessFailedCount = 1 }, await StoredAsync(user));
        Assert.Empty(await QueuedToAsync(newEmail));
        Assert.Empty(await QueuedToAsync(user.Email!));
        Assert.Contains("wrong_password", Assert.Single(await AuditDetailsAsync(user, AuditActions.EmailChangeRefused)), StringComparison.Ordinal);

        // Four more wrong passwords make five, Identity's lockout threshold here.
        for (var i = 0; i < 4; i++)
        {
            await RequestAsync(client, newEmail, "Not-the-password-at-all");
        }
        Assert.Equal("Too many wrong passwords. Try again later.",
            await ErrorForAsync(await RequestAsync(client, newEmail, PorticoApp.Password), "EmailChange.CurrentPassword"));
        using var other = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await other.LoginAsync(user.Email!, PorticoApp.Password)).StatusCode);
        Assert.Single(await AuditDetailsAsync(user, AuditActions.LockedOut));
        Assert.Empty(await QueuedToAsync(newEmail));
        Assert.Equal(before.Email, (await StoredAsync(user)).Email);
    }

    [Fact]
    public async Task An_address_someone_else_uses_gets_the_same_answer_but_no_link_and_nothing_changes()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var taken = await app.CreateUserAsync();
        using var client = await app.SignInAsync(user);
        var before = await StoredAsync(user);
        var takenBefore = await StoredAsync(taken);
        var free = NewAddress();

        var toFree = await RequestAsync(client, free);
        var freeNotice = (await SentNoticeAsync(client)).Replace(free, "ADDRESS", StringComparison.Ordinal);
        // Another case of the letters is the same address.
        var toTaken = await RequestAsync(client, taken.Email!.ToUpperInvariant());
        var takenNotice = (await SentNoticeAsync(client)).Replace(taken.Email!.ToUpperInvariant(), "ADDRESS", StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, toTaken.StatusCode);
        Assert.Equal(toFree.Headers.Location, toTaken.Headers.Location);
        Assert.Equal(freeNotice, takenNotice);
        Assert.Contains("We sent a confirmation link to ADDRESS", takenNotice, StringComparison.Ordinal);
        Assert.Empty(await QueuedToAsync(taken.Email!));
        Assert.Single(await QueuedToAsync(free));
        // The old address hears of both requests alike.
        var notices = await QueuedToAsync(user.Email!);
        Assert.Equal(2, notices.Count);
        Assert.All(notices, n => Assert.Equal("A change of your email address was asked for", n.Subject));
        Assert.Equal(before, await StoredAsync(user));
        Assert.Equal(takenBefore, await StoredAsync(taken));
        Assert.Contains("address_in_use", Assert.Single(await AuditDetailsAsync(user, AuditActions.EmailChangeRefused)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_works_once_and_spends_the_other_pending_links()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var first = NewAddress();
        var second = NewAddress();
        var firstLink = await ConfirmationLinkAsync(client, first);
        var secondLink = await ConfirmationLinkAsync(client, second);
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri(firstLink, UriKind.Relative))).StatusCode);
        var changed = await StoredAsync(user);

        var (again, problem) = await OpenAsync(client, firstLink);
        var (other, _) = await OpenAsync(client, secondLink);

        Assert.Equal(HttpStatusCode.Gone, again);
        Assert.Contains("not valid any more", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, other);
        Assert.Equal(changed, await StoredAsync(user));
        Assert.Equal(first, changed.Email);
        Assert.Single(await AuditDetailsAsync(user, AuditActions.EmailChanged));
        Assert.Equal(2, (await AuditDetailsAsync(user, AuditActions.EmailChangeRefused)).Count(d => d!.Contains("invalid_link", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_address_taken_by_someone_else_before_the_link_is_opened_is_refused_clearly()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var newEmail = NewAddress();
        var link = await ConfirmationLinkAsync(client, newEmail);
        var quicker = await app.CreateUserAsync(newEmail);
        var before = await StoredAsync(user);

        var (status, problem) = await OpenAsync(client, link);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("used by another account", problem, StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync(user));
        Assert.Equal(newEmail, (await StoredAsync(quicker)).Email);
        Assert.Contains("address_taken", Assert.Single(await AuditDetailsAsync(user, AuditActions.EmailChangeRefused)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_opened_by_another_signed_in_person_is_refused_and_still_works_for_its_owner()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var (_, colleague) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        using var client = await app.SignInAsync(user);
        using var colleagueClient = await app.SignInAsync(colleague);
        var newEmail = NewAddress();
        var link = await ConfirmationLinkAsync(client, newEmail);
        var before = await StoredAsync(user);
        var colleagueBefore = await StoredAsync(colleague);

        var (status, problem) = await OpenAsync(colleagueClient, link);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("another person's account", problem, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", problem, StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync(user));
        Assert.Equal(colleagueBefore, await StoredAsync(colleague));
        Assert.Contains("other_person", Assert.Single(await AuditDetailsAsync(colleague, AuditActions.EmailChangeRefused)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await colleagueClient.Http.GetAsync(new Uri("/account/profile", UriKind.Relative))).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri(link, UriKind.Relative))).StatusCode);
        Assert.Equal(newEmail, (await StoredAsync(user)).Email);
    }

    [Fact]
    public async Task A_tampered_link_is_refused_and_changes_nothing()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var newEmail = NewAddress();
        var elsewhere = NewAddress();
        var link = await ConfirmationLinkAsync(client, newEmail);
        var before = await StoredAsync(user);
        var code = link[(link.IndexOf("code=", StringComparison.Ordinal) + 5)..];
        var flipped = (code[10] == 'A' ? 'B' : 'A').ToString();

        var forged = new[]
        {
            // The code of one address does not confirm another.
            link.Replace(Uri.EscapeDataString(newEmail), Uri.EscapeDataString(elsewhere), StringComparison.Ordinal),
            link.Replace("code=" + code, "code=" + code[..10] + flipped + code[11..], StringComparison.Ordinal),
            link.Replace("code=" + code, "code=" + code[..^4], StringComparison.Ordinal),
            link.Replace("code=" + code, "code=not*base64", StringComparison.Ordinal),
            $"{ChangeEmail.ConfirmPath}?user={user.Id}&email={Uri.EscapeDataString(newEmail)}",
        };
        foreach (var attempt in forged)
        {
            Assert.NotEqual(link, attempt);
            var (status, problem) = await OpenAsync(client, attempt);
            Assert.Equal(HttpStatusCode.Gone, status);
            Assert.Contains("not valid any more", problem, StringComparison.Ordinal);
        }

        Assert.Equal(before, await StoredAsync(user));
        Assert.Empty(await AuditDetailsAsync(user, AuditActions.EmailChanged));
        Assert.Equal(forged.Length, (await AuditDetailsAsync(user, AuditActions.EmailChangeRefused)).Count);
        // The real link was not spent by the forgeries.
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri(link, UriKind.Relative))).StatusCode);
        Assert.Equal(newEmail, (await StoredAsync(user)).Email);
    }

    [Theory]
    [InlineData("not-an-email", "Enter a valid email address, such as name@example.com.")]
    [InlineData("two@@example.com", "Enter a valid email address, such as name@example.com.")]
    [InlineData("a b@example.com", "Enter a valid email address, such as name@example.com.")]
    [InlineData("name@", "Enter a valid email address, such as name@example.com.")]
    [InlineData("Robin <robin@example.com>", "Enter a valid email address, such as name@example.com.")]
    [InlineData("", "Enter the new email address.")]
    [InlineData("LONG", "Email addresses are at most 256 characters.")]
    [InlineData("SAME", "That is already your email address.")]
    public async Task A_malformed_or_unchanged_address_is_refused_and_nothing_is_sent(string address, string message)
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var before = await StoredAsync(user);
        address = address switch
        {
            "LONG" => new string('a', 245) + "@example.com",
            "SAME" => "  " + user.Email!.ToUpperInvariant() + " ",
            _ => address,
        };

        var response = await RequestAsync(client, address);

        Assert.Equal(message, await ErrorForAsync(response, "EmailChange.NewEmail"));
        Assert.Equal(before, await StoredAsync(user));
        Assert.Empty(await QueuedToAsync(user.Email!));
        Assert.Empty(await AuditDetailsAsync(user, AuditActions.EmailChangeRequested));
    }

    [Fact]
    public async Task Opening_the_link_signed_out_asks_to_sign_in_and_then_applies_the_change()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var newEmail = NewAddress();
        using (var client = await app.SignInAsync(user))
        {
            await RequestAsync(client, newEmail);
        }
        var link = await app.Mail.LinkAsync(newEmail, ChangeEmail.ConfirmPath);
        using var browser = app.Anonymous();

        var response = await browser.Http.GetAsync(new Uri(link, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var login = response.Headers.Location!.PathAndQuery;
        Assert.StartsWith("/login?ReturnUrl=", login, StringComparison.Ordinal);
        Assert.Equal(user.Email, (await StoredAsync(user)).Email);
        var page = await browser.GetPageAsync(login);
        var signedIn = await browser.PostFormAsync(login, page, new Dictionary<string, string> { ["Form.Email"] = user.Email!, ["Form.Password"] = PorticoApp.Password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(link, signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync(signedIn.Headers.Location)).StatusCode);
        Assert.Equal(newEmail, (await StoredAsync(user)).Email);
    }

    [Fact]
    public async Task Someone_without_a_password_changes_it_only_soon_after_signing_in()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        await PasskeySteps.RemovePasswordAsync(app, user);
        // The stamp changed with the password; they sign in again, by email link.
        using var fresh = await PasskeySteps.SignInWithEmailLinkAsync(app, user);
        Assert.Null((await fresh.GetPageAsync("/account/profile")).QuerySelector("input[name='EmailChange.CurrentPassword']"));
        await AgeSessionsAsync(user, TimeSpan.FromMinutes(11));
        var newEmail = NewAddress();

        var stale = await RequestAsync(fresh, newEmail, password: null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, stale.StatusCode);
        var problem = (await PorticoClient.ParseAsync(stale)).QuerySelector("[data-testid='change-email-problem']")!.TextContent;
        Assert.Contains("sign in again", problem, StringComparison.Ordinal);
        Assert.Empty(await QueuedToAsync(newEmail));
        Assert.Contains("sign_in_too_old", Assert.Single(await AuditDetailsAsync(user, AuditActions.EmailChangeRefused)), StringComparison.Ordinal);

        await AgeSessionsAsync(user, TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Redirect, (await RequestAsync(fresh, newEmail, password: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.Http.GetAsync(new Uri(await app.Mail.LinkAsync(newEmail, ChangeEmail.ConfirmPath), UriKind.Relative))).StatusCode);
        Assert.Equal(newEmail, (await StoredAsync(user)).Email);
    }

    private Task AgeSessionsAsync(PorticoUser user, TimeSpan age) => app.WithDbAsync(async db =>
    {
        var at = DateTime.UtcNow - age;
        await db.UserSessions.Where(s => s.UserId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.CreatedAt, at));
    });
}
