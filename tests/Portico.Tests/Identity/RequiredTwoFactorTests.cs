namespace Portico.Tests.Identity;

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
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);

        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        Assert.Null((await client.GetPageAsync("/account/security")).QuerySelector("[data-testid=mfa-required]"));
        // Staff pages still refuse them outright rather than offering set-up.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(new Uri("/staff", UriKind.Relative))).StatusCode);
    }
}
