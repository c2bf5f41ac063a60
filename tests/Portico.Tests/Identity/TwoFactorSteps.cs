namespace Portico.Tests.Identity;

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

    public static Task<HttpResponseMessage> EnterCodeAsync(PorticoClient client, string code, string url = "/login/two-factor") =>
        client.SubmitAsync(url, new Dictionary<string, string> { ["Code"] = code });

    public static Task<HttpResponseMessage> EnterRecoveryCodeAsync(PorticoClient client, string code) =>
        client.SubmitAsync("/login/two-factor", new Dictionary<string, string> { ["RecoveryCode"] = code }, "Recovery");

    public static Task<bool> TwoFactorEnabledAsync(PorticoApp app, PorticoUser user) =>
        app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.TwoFactorEnabled).SingleAsync());

    public static Task<int> AccessFailedCountAsync(PorticoApp app, PorticoUser user) =>
        app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == user.Id).Select(u => u.AccessFailedCount).SingleAsync());

    public static Task<int> SignInCountAsync(PorticoApp app, PorticoUser user) =>
        app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.LoginSucceeded && e.ActorUserId == user.Id));

    public static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];
}
