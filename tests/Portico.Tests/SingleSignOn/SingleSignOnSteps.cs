namespace Portico.Tests.SingleSignOn;

/// A browser going through single sign-on against the real test provider: the portal's sign-in page sends it to the
/// provider, the provider signs in the person the test names and sends it back to the portal's callback.
public sealed class SingleSignOnBrowser(PorticoApp app) : IDisposable
{
    private static readonly HttpClient Outside = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

    public PorticoClient Portal { get; } = app.Anonymous();

    /// Email first, then "Continue with single sign-on": the portal's hand-over to the provider.
    public async Task<Uri> StartAsync(string email)
    {
        var response = await Portal.PostFormAsync("/login?handler=SingleSignOn", await Portal.GetPageAsync("/login"), new Dictionary<string, string> { ["Form.Email"] = email });
        // A page that moves on to the provider by itself: a redirect answering the form would break the form-action policy.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var page = await PorticoClient.ParseAsync(response);
        var target = page.QuerySelector("[data-testid=to-provider]")!.GetAttribute("href")!;
        Assert.Equal($"0;url={target}", page.QuerySelector("meta[http-equiv=refresh]")!.GetAttribute("content"));
        return new Uri(target);
    }

    /// At the provider: it signs in the person described (test_* parameters) and answers with the portal's callback address.
    public static async Task<Uri> AtProviderAsync(Uri authorize, IDictionary<string, string> person, Uri? otherTenant = null)
    {
        var url = (otherTenant is null ? authorize.GetLeftPart(UriPartial.Path) : new Uri(otherTenant, authorize.AbsolutePath).ToString())
            + authorize.Query + string.Concat(person.Select(p => $"&test_{p.Key}={Uri.EscapeDataString(p.Value)}"));
        var response = await Outside.GetAsync(new Uri(url));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"The provider answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!;
    }

    /// As far as the provider for the person with the email: the portal's callback address, not yet opened.
    public async Task<Uri> CallbackForAsync(string email) =>
        await AtProviderAsync(await StartAsync(email), new Dictionary<string, string> { ["email"] = email });

    public Task<HttpResponseMessage> CallbackAsync(Uri callback) => Portal.Http.GetAsync(new Uri(callback.PathAndQuery, UriKind.Relative));

    /// The whole journey; the portal's last answer.
    public async Task<HttpResponseMessage> SignInAsync(string email, IDictionary<string, string>? person = null)
    {
        var values = new Dictionary<string, string>(person ?? new Dictionary<string, string>());
        values.TryAdd("email", email);
        return await CallbackAsync(await AtProviderAsync(await StartAsync(email), values));
    }

    public void Dispose() => Portal.Dispose();
}

public sealed record ScimProvider(SingleSignOnProvider Saved, string Domain, Account Account, string Token);

public static class SingleSignOnSteps
{
    public static string NewDomain() => $"sso-{PorticoApp.Unique()}.example";

    /// A provider at one of the test provider's tenants, saved as a staff Admin's form would save it.
    public static async Task<SingleSignOnProvider> AddProviderAsync(this PorticoApp app, TestIdentityProvider idp, string domain, string tenant = "a",
        IEnumerable<Account>? accounts = null, bool required = false, string? groupRoles = null, string? clientId = null)
    {
        clientId ??= "portal-" + PorticoApp.Unique();
        var form = new ProviderForm
        {
            Name = "Provider " + domain, DiscoveryUrl = idp.Discovery(tenant).ToString(), ClientId = clientId,
            ClientSecret = TestIdentityProvider.SecretFor(clientId), Domains = domain,
            Accounts = string.Join('\n', (accounts ?? []).Select(a => a.Id)), DefaultRole = BuiltInRoles.Requester, GroupRoles = groupRoles,
            Required = required, Enabled = true,
        };
        var saved = await app.WithDbAsync((_, services) => services.GetRequiredService<SaveSingleSignOnProvider>().RunAsync(null, form, default));
        Assert.True(saved.Succeeded, saved.Message);
        return saved.Value!;
    }

    /// A provider for a new domain serving a new account, with a SCIM token as one generated on its staff page.
    public static async Task<ScimProvider> AddScimProviderAsync(this PorticoApp app, string? groupRoles = null)
    {
        var domain = NewDomain();
        var account = await app.CreateAccountAsync();
        var form = new ProviderForm
        {
            Name = "Provider " + domain, DiscoveryUrl = "https://login.example.com/tenant/v2.0/.well-known/openid-configuration", ClientId = "portal",
            ClientSecret = "secret", Domains = domain, Accounts = account.Id.ToString(), DefaultRole = BuiltInRoles.Requester, GroupRoles = groupRoles,
            Enabled = true,
        };
        var saved = await app.WithDbAsync((_, services) => services.GetRequiredService<SaveSingleSignOnProvider>().RunAsync(null, form, default));
        Assert.True(saved.Succeeded, saved.Message);
        var token = await app.WithDbAsync(async (db, _) =>
        {
            var provider = await db.SingleSignOnProviders.SingleAsync(p => p.Id == saved.Value!.Id);
            var token = provider.NewScimToken(DateTime.UtcNow);
            await db.SaveChangesAsync();
            return token;
        });
        return new ScimProvider(saved.Value!, domain, account, token);
    }

    /// A SCIM request with the token given (or none) and the body as SCIM JSON; the status and the JSON answered.
    public static async Task<(HttpStatusCode Status, JsonObject? Body)> ScimAsync(this PorticoApp app, HttpMethod method, string path, string? token, object? body = null)
    {
        using var client = app.Anonymous();
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, ScimApi.ContentType);
        }
        var response = await client.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length > 0)
        {
            Assert.Equal(ScimApi.ContentType, response.Content.Headers.ContentType?.MediaType);
        }
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null);
    }

    public static Task<int> AuditCountAsync(this PorticoApp app, string action, string targetId) =>
        app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == action && e.TargetId == targetId));

    public static Task<List<string?>> AuditDetailsAsync(this PorticoApp app, string action, string targetId) =>
        app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == action && e.TargetId == targetId).Select(e => e.Details).ToListAsync());
}
