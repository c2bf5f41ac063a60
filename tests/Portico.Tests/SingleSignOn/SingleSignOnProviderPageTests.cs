using static Portico.Tests.SingleSignOn.SingleSignOnSteps;

namespace Portico.Tests.SingleSignOn;

/// Staff Admins add and change identity providers at /staff/sso; nobody else opens it.
public sealed class SingleSignOnProviderPageTests(PorticoApp app) : AppTests
{
    private static Uri Url(string path) => new(path, UriKind.Relative);

    private static Dictionary<string, string> Fields(string domain, string clientId, string secret, string discovery = "https://login.example.com/tenant/v2.0/.well-known/openid-configuration") => new()
    {
        ["Form.Name"] = "Contoso " + domain, ["Form.DiscoveryUrl"] = discovery, ["Form.ClientId"] = clientId, ["Form.ClientSecret"] = secret,
        ["Form.Scopes"] = "openid profile email", ["Form.Domains"] = domain, ["Form.Accounts"] = "", ["Form.DefaultRole"] = BuiltInRoles.Requester,
        ["Form.GroupRoles"] = "", ["Form.Enabled"] = "true",
    };

    private static async Task<Dictionary<string, string>> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        return page.QuerySelectorAll("[data-valmsg-for]").Where(e => e.TextContent.Trim().Length > 0)
            .ToDictionary(e => e.GetAttribute("data-valmsg-for")!, e => e.TextContent.Trim());
    }

    [Fact]
    public async Task Only_staff_admins_open_or_change_the_providers()
    {
        var (_, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        foreach (var who in new[] { await app.CreateUserAsync(staffRole: StaffRole.Agent), await app.CreateUserAsync(staffRole: StaffRole.Finance), owner })
        {
            using var client = await app.SignInAsync(who);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(Url("/staff/sso"))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(Url("/staff/sso/new"))).StatusCode);
            var post = await client.PostFormAsync("/staff/sso/new", await client.GetPageAsync("/account/profile"), Fields(NewDomain(), "taken", "over"));
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        }
        using var visitor = app.Anonymous();
        Assert.Equal("/login", (await visitor.Http.GetAsync(Url("/staff/sso"))).Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task An_admin_adds_a_provider_whose_secret_is_kept_encrypted_and_never_shown_again()
    {
        using var admin = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));
        var domain = NewDomain();
        var secret = "s3cret-" + PorticoApp.Unique();

        var added = await admin.PostFormAsync("/staff/sso/new", await admin.GetPageAsync("/staff/sso/new"), Fields(domain, "portal", secret));

        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var stored = await app.WithDbAsync((db, _) => db.SingleSignOnProviders.Include(p => p.Domains).SingleAsync(p => p.Domains.Any(d => d.Domain == domain)));
        Assert.DoesNotContain(secret, stored.ProtectedClientSecret, StringComparison.Ordinal);
        Assert.Equal(("portal", "openid profile email", true, false), (stored.ClientId, stored.Scopes, stored.Enabled, stored.Required));
        var audit = Assert.Single(await app.AuditDetailsAsync(AuditActions.SingleSignOnProviderCreated, stored.Id.ToString()));
        Assert.DoesNotContain(secret, audit!, StringComparison.Ordinal);
        var edit = await admin.Http.GetStringAsync(Url($"/staff/sso/{stored.Id}"));
        Assert.DoesNotContain(secret, edit, StringComparison.Ordinal);
        Assert.Contains($"/signin-sso/{stored.Id:N}", edit, StringComparison.Ordinal);
        Assert.Contains(stored.Name, await admin.Http.GetStringAsync(Url("/staff/sso")), StringComparison.Ordinal);

        // A change with the secret left blank keeps it, and is audited too.
        var fields = Fields(domain, "portal", "");
        fields["Form.Required"] = "true";
        var changed = await admin.PostFormAsync($"/staff/sso/{stored.Id}", await admin.GetPageAsync($"/staff/sso/{stored.Id}"), fields);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var after = await app.WithDbAsync((db, _) => db.SingleSignOnProviders.SingleAsync(p => p.Id == stored.Id));
        Assert.Equal((stored.ProtectedClientSecret, true), (after.ProtectedClientSecret, after.Required));
        Assert.Contains("\"secretChanged\":false", Assert.Single(await app.AuditDetailsAsync(AuditActions.SingleSignOnProviderChanged, stored.Id.ToString()))!,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_fields_are_refused_with_a_message_each_before_anything_connects()
    {
        using var admin = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));
        var taken = NewDomain();
        await app.AddProviderAsync(await TestIdentityProvider.GetAsync(), taken);
        var count = await app.WithDbAsync((db, _) => db.SingleSignOnProviders.CountAsync());

        async Task<Dictionary<string, string>> RefusedAsync(Action<Dictionary<string, string>> change)
        {
            var fields = Fields(NewDomain(), "portal", "secret");
            change(fields);
            return await ErrorsAsync(await admin.PostFormAsync("/staff/sso/new", await admin.GetPageAsync("/staff/sso/new"), fields));
        }

        Assert.Contains("must use https", (await RefusedAsync(f => f["Form.DiscoveryUrl"] = "http://login.example.com/.well-known/openid-configuration"))["DiscoveryUrl"],
            StringComparison.Ordinal);
        Assert.Contains("must use https", (await RefusedAsync(f => f["Form.DiscoveryUrl"] = "http://10.0.0.5/.well-known/openid-configuration"))["DiscoveryUrl"],
            StringComparison.Ordinal);
        Assert.Contains("discovery address", (await RefusedAsync(f => f["Form.DiscoveryUrl"] = "https://user:pw@login.example.com/"))["DiscoveryUrl"], StringComparison.Ordinal);
        Assert.Contains("include openid", (await RefusedAsync(f => f["Form.Scopes"] = "profile email"))["Scopes"], StringComparison.Ordinal);
        Assert.Contains("already served by", (await RefusedAsync(f => f["Form.Domains"] = taken))["Domains"], StringComparison.Ordinal);
        Assert.Contains("not an email domain", (await RefusedAsync(f => f["Form.Domains"] = "not a domain!"))["Domains"], StringComparison.Ordinal);
        Assert.Contains("client secret", (await RefusedAsync(f => f["Form.ClientSecret"] = ""))["ClientSecret"], StringComparison.Ordinal);
        Assert.Contains("names no account", (await RefusedAsync(f => f["Form.Accounts"] = Guid.NewGuid().ToString()))["Accounts"], StringComparison.Ordinal);
        Assert.Contains("group = Role", (await RefusedAsync(f => f["Form.GroupRoles"] = "admins = Emperor"))["GroupRoles"], StringComparison.Ordinal);
        Assert.Contains("a role that exists", (await RefusedAsync(f => f["Form.DefaultRole"] = "Emperor"))["DefaultRole"], StringComparison.Ordinal);
        Assert.Equal(count, await app.WithDbAsync((db, _) => db.SingleSignOnProviders.CountAsync()));
    }
}
