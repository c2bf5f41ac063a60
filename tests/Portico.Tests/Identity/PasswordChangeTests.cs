namespace Portico.Tests.Identity;

public sealed class PasswordChangeTests(PorticoApp app) : AppTests
{
    private const string NewPassword = "Another-long-password-42";

    private static async Task<HttpResponseMessage> ChangeAsync(PorticoClient client, string? current, string next, string? confirm = null)
    {
        var page = await client.GetPageAsync("/account/security");
        var fields = new Dictionary<string, string> { ["Password.NewPassword"] = next, ["Password.ConfirmPassword"] = confirm ?? next };
        if (current is not null)
        {
            fields["Password.CurrentPassword"] = current;
        }
        return await client.PostFormAsync("/account/security?handler=Password", page, fields);
    }

    private Task<(string? Hash, string? Stamp)> CredentialsAsync(PorticoUser user) =>
        app.WithDbAsync(async (db, _) => await db.Users.Where(u => u.Id == user.Id).Select(u => new ValueTuple<string?, string?>(u.PasswordHash, u.SecurityStamp)).SingleAsync());

    private static Task<string> ErrorForAsync(HttpResponseMessage response, string field) =>
        PorticoClient.FieldErrorAsync(response, HttpStatusCode.OK, field);

    [Fact]
    public async Task A_wrong_current_password_is_refused_and_changes_nothing()
    {
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var before = await CredentialsAsync(user);

        var response = await ChangeAsync(client, "Not-the-password-at-all", NewPassword);

        Assert.Equal("That is not your current password.", await ErrorForAsync(response, "Password.CurrentPassword"));
        Assert.Equal(before, await CredentialsAsync(user));
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        using var again = await app.SignInAsync(user);
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.PasswordChangeFailed && e.TargetId == user.Id.ToString())));
    }

    [Fact]
    public async Task A_weak_or_mistyped_new_password_is_refused_with_the_reason()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var before = await CredentialsAsync(user);

        Assert.Contains("at least 12 characters", await ErrorForAsync(await ChangeAsync(client, PorticoApp.Password, "Short-1"), "Password.NewPassword"), StringComparison.Ordinal);
        Assert.Equal("The two new passwords are not the same.",
            await ErrorForAsync(await ChangeAsync(client, PorticoApp.Password, NewPassword, NewPassword + "x"), "Password.ConfirmPassword"));
        Assert.Equal("Enter your current password.", await ErrorForAsync(await ChangeAsync(client, null, NewPassword), "Password.CurrentPassword"));
        Assert.Equal("Enter a new password.", await ErrorForAsync(await ChangeAsync(client, PorticoApp.Password, ""), "Password.NewPassword"));

        Assert.Equal(before, await CredentialsAsync(user));
    }

    [Fact]
    public async Task Changing_the_password_ends_other_sessions_keeps_this_one_and_sends_a_notice()
    {
        var (account, user, laptop) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        using var phone = await app.SignInAsync(user);
        var home = new Uri($"/a/{account.Id}", UriKind.Relative);
        Assert.Equal(HttpStatusCode.OK, (await phone.Http.GetAsync(home)).StatusCode);
        var stampBefore = (await CredentialsAsync(user)).Stamp;

        var response = await ChangeAsync(laptop, PorticoApp.Password, NewPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/security?done=password", response.Headers.Location!.OriginalString);
        var phoneAfter = await phone.Http.GetAsync(home);
        Assert.Equal(HttpStatusCode.Redirect, phoneAfter.StatusCode);
        Assert.StartsWith("/login", phoneAfter.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await laptop.Http.GetAsync(home)).StatusCode);
        var notice = await laptop.GetPageAsync("/account/security?done=password");
        Assert.Contains("Your password was changed", notice.QuerySelector(".alert.ok")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == user.Id)));
        Assert.NotEqual(stampBefore, (await CredentialsAsync(user)).Stamp);

        using var stranger = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await stranger.LoginAsync(user.Email!, PorticoApp.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await stranger.LoginAsync(user.Email!, NewPassword)).StatusCode);

        var mail = await app.Mail.WaitForAsync(m => m.Contains(user.Email!, StringComparison.Ordinal) && m.Contains("Your password was changed", StringComparison.Ordinal));
        Assert.Contains("signed out everywhere else", mail, StringComparison.Ordinal);
        var audit = await app.WithDbAsync((db, _) => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.PasswordChanged && e.TargetId == user.Id.ToString()));
        Assert.Contains("\"other_sessions_ended\":1", audit.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Someone_without_a_password_sets_one_without_giving_a_current_one()
    {
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        await PasskeySteps.RemovePasswordAsync(app, user);

        var page = await client.GetPageAsync("/account/security");
        Assert.Equal("Set a password", page.QuerySelector("#password-heading")!.TextContent.Trim());
        Assert.Null(page.QuerySelector("input[name='Password.CurrentPassword']"));
        var response = await client.PostFormAsync("/account/security?handler=Password", page, new Dictionary<string, string>
        {
            ["Password.NewPassword"] = NewPassword,
            ["Password.ConfirmPassword"] = NewPassword,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        using var other = app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await other.LoginAsync(user.Email!, NewPassword)).StatusCode);
        await app.Mail.WaitForAsync(m => m.Contains(user.Email!, StringComparison.Ordinal) && m.Contains("A password was set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_password_change_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var before = await CredentialsAsync(user);

        var response = await client.Http.PostAsync(new Uri("/account/security?handler=Password", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Password.CurrentPassword"] = PorticoApp.Password,
            ["Password.NewPassword"] = NewPassword,
            ["Password.ConfirmPassword"] = NewPassword,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await CredentialsAsync(user));
    }
}
