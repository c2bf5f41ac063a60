namespace Portico.Tests.Integrations;

public sealed partial class IntegrationKeyTests(PorticoApp app) : AppTests
{
    [GeneratedRegex("^portico_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")]
    private static partial Regex KeyShape();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    private static Uri Status => new(StatusPath, UriKind.Relative);

    /// Creates a key through the staff page as an admin would and returns the secret shown once.
    private static async Task<string> CreateKeyOnStaffPageAsync(PorticoClient admin, Guid integrationId, string name)
    {
        var page = await admin.GetPageAsync("/staff/integrations");
        var response = await admin.PostFormAsync("/staff/integrations?handler=Key", page, new Dictionary<string, string>
        {
            ["integrationId"] = integrationId.ToString(),
            ["name"] = name,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The page with the secret must not be kept by the browser or anything in between.
        Assert.True(response.Headers.CacheControl?.NoStore, "The page showing a new key must be sent with Cache-Control: no-store.");
        var created = await PorticoClient.ParseAsync(response);
        return created.QuerySelector("[data-testid=new-key]")?.TextContent.Trim() ?? throw new InvalidOperationException("The page did not show the new key.");
    }

    [Fact]
    public async Task A_valid_key_reaches_the_status_of_its_own_integration()
    {
        var (integration, client) = await app.CreateIntegrationWithKeyAsync();
        using var _ = client;

        var response = await client.GetAsync(Status);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await response.JsonAsync();
        Assert.Equal(integration.Id, status.GetProperty("id").GetGuid());
        Assert.Equal(integration.Name, status.GetProperty("name").GetString());
        Assert.Equal(0, status.GetProperty("openIncidents").GetInt32());
    }

    [Fact]
    public async Task Missing_malformed_unknown_and_revoked_keys_get_401()
    {
        var integration = await app.CreateIntegrationAsync();
        var (good, goodSecret) = await app.CreateKeyAsync(integration, "Good");
        var (revoked, revokedSecret) = await app.CreateKeyAsync(integration, "Revoked");
        await app.WithDbAsync(async db =>
        {
            (await db.IntegrationKeys.SingleAsync(k => k.Id == revoked.Id)).Revoke(DateTime.UtcNow);
            await db.SaveChangesAsync();
        });
        var wrongSecret = $"{IntegrationKey.Prefix}{good.KeyId}_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
        var unknown = IntegrationKey.Create(integration.Id, "Never saved", DateTime.UtcNow).Secret;

        var cases = new Dictionary<string, string?>
        {
            ["no header"] = null,
            ["basic scheme"] = "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:" + PorticoApp.Password)),
            ["bearer without prefix"] = "Bearer " + goodSecret[IntegrationKey.Prefix.Length..],
            ["bearer garbage"] = "Bearer not-a-key",
            ["short key id"] = $"Bearer {IntegrationKey.Prefix}abc_{goodSecret[^43..]}",
            ["empty bearer"] = "Bearer ",
            ["unknown key"] = "Bearer " + unknown,
            ["known key id, wrong secret"] = "Bearer " + wrongSecret,
            ["revoked key"] = "Bearer " + revokedSecret,
        };
        foreach (var (label, header) in cases)
        {
            using var client = app.ApiClient(null);
            using var request = new HttpRequestMessage(HttpMethod.Get, Status);
            if (header is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", header);
            }
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{label}: expected 401, got {(int)response.StatusCode}");
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }

        // The same good key still works: the 401s were about the keys, not the endpoint.
        using var goodClient = app.ApiClient(goodSecret);
        Assert.Equal(HttpStatusCode.OK, (await goodClient.GetAsync(Status)).StatusCode);
    }

    [Fact]
    public async Task A_signed_in_admin_session_does_not_authenticate_the_integration_api()
    {
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var browser = await app.SignInAsync(admin);
        var account = await app.CreateMappedAccountAsync();
        var externalId = NewExternalId();

        var status = await browser.Http.GetAsync(Status);
        var batch = new JsonObject { ["records"] = new JsonArray(InvoiceJson(externalId, account.ExternalId!)) }.ToJsonString();
        var put = await browser.Http.PutAsync(new Uri("/api/integration/invoices", UriKind.Relative), new StringContent(batch, Encoding.UTF8, "application/json"));
        var delete = await browser.Http.DeleteAsync(new Uri("/api/integration/invoices/" + externalId, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, status.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        Assert.False(await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AnyAsync(i => i.ExternalId == externalId)));
        // The session itself is fine: the same client still reaches the staff console.
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync(new Uri("/staff/integrations", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_key_created_on_the_staff_page_is_shown_once_and_only_its_hash_and_id_are_stored()
    {
        var integration = await app.CreateIntegrationAsync();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var browser = await app.SignInAsync(admin);
        var name = "Production " + PorticoApp.Unique();

        var token = await CreateKeyOnStaffPageAsync(browser, integration.Id, name);

        var shape = KeyShape().Match(token);
        Assert.True(shape.Success, $"Unexpected key shape: {token}");
        var (keyId, secret) = (shape.Groups[1].Value, shape.Groups[2].Value);
        var stored = await app.WithDbAsync((db, _) => db.IntegrationKeys.AsNoTracking().SingleAsync(k => k.IntegrationId == integration.Id && k.Name == name));
        Assert.Equal(keyId, stored.KeyId);
        Assert.Equal(12, stored.KeyId.Length);
        Assert.Matches(Sha256Hex(), stored.SecretHash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), stored.SecretHash);
        Assert.DoesNotContain(secret, stored.SecretHash, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored.Name, StringComparison.Ordinal);
        Assert.Null(stored.LastUsedAt);
        Assert.Null(stored.RevokedAt);
        // The audit trail names the key by its public id, never by its secret.
        var audited = await app.WithDbAsync((db, _) => db.AuditEvents.AsNoTracking()
            .Where(e => e.Action == AuditActions.IntegrationKeyCreated && e.TargetId == stored.Id.ToString()).Select(e => e.Details).SingleAsync());
        Assert.Contains(keyId, audited, StringComparison.Ordinal);
        var leaks = await app.WithDbAsync((db, _) => db.AuditEvents.AsNoTracking().Where(e => e.Details != null && e.Details.Contains(secret)).CountAsync());
        Assert.Equal(0, leaks);

        // Shown once: the page never shows it again.
        var again = await browser.Http.GetAsync(new Uri("/staff/integrations", UriKind.Relative));
        var html = await again.Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        Assert.Null((await PorticoClient.ParseAsync(again)).QuerySelector("[data-testid=new-key]"));
        Assert.Contains(keyId, html, StringComparison.Ordinal);

        // It works, and using it records when.
        using var client = app.ApiClient(token);
        var before = DateTime.UtcNow.AddSeconds(-1);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Status)).StatusCode);
        var lastUsed = await app.WithDbAsync((db, _) => db.IntegrationKeys.Where(k => k.Id == stored.Id).Select(k => k.LastUsedAt).SingleAsync());
        Assert.NotNull(lastUsed);
        Assert.InRange(lastUsed.Value, before, DateTime.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Revoking_a_key_on_the_staff_page_stops_it_at_once_and_leaves_other_keys_working()
    {
        var integration = await app.CreateIntegrationAsync();
        var (key, secret) = await app.CreateKeyAsync(integration, "To revoke");
        var (_, otherSecret) = await app.CreateKeyAsync(integration, "Stays");
        using var client = app.ApiClient(secret);
        using var other = app.ApiClient(otherSecret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Status)).StatusCode);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var browser = await app.SignInAsync(admin);
        var page = await browser.GetPageAsync("/staff/integrations");

        var revoke = await browser.PostFormAsync("/staff/integrations?handler=Revoke", page, new Dictionary<string, string> { ["keyId"] = key.Id.ToString() });

        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Status)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(Status)).StatusCode);
        var revokedAt = await app.WithDbAsync((db, _) => db.IntegrationKeys.Where(k => k.Id == key.Id).Select(k => k.RevokedAt).SingleAsync());
        Assert.NotNull(revokedAt);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.IntegrationKeyRevoked && e.TargetId == key.Id.ToString())));
    }

    [Fact]
    public async Task Only_staff_admins_reach_the_integrations_page()
    {
        var integration = await app.CreateIntegrationAsync();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using (var adminClient = await app.SignInAsync(admin))
        {
            var page = await adminClient.GetPageAsync("/staff/integrations");
            Assert.Contains(page.QuerySelectorAll("[data-testid=integration] h3"), h => h.TextContent.Contains(integration.Name, StringComparison.Ordinal));
        }

        var account = await app.CreateAccountAsync();
        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        var finance = await app.CreateUserAsync(staffRole: StaffRole.Finance);
        var (_, customer) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        foreach (var user in new[] { agent, finance, customer })
        {
            using var client = await app.SignInAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(new Uri("/staff/integrations", UriKind.Relative))).StatusCode);
        }

        // Posting directly does not help an agent either: no key is created.
        using (var agentClient = await app.SignInAsync(agent))
        {
            var tokenSource = await agentClient.GetPageAsync($"/staff/accounts/{account.Id}");
            var name = "Agent key " + PorticoApp.Unique();
            var post = await agentClient.PostFormAsync("/staff/integrations?handler=Key", tokenSource, new Dictionary<string, string>
            {
                ["integrationId"] = integration.Id.ToString(),
                ["name"] = name,
            });
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
            Assert.False(await app.WithDbAsync((db, _) => db.IntegrationKeys.AnyAsync(k => k.Name == name)));
        }

        using var anonymous = app.Anonymous();
        var response = await anonymous.Http.GetAsync(new Uri("/staff/integrations", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
