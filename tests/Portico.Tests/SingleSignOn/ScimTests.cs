using System.Text.Json.Nodes;
using Provider = Portico.Tests.SingleSignOn.ScimProvider;

namespace Portico.Tests.SingleSignOn;

/// An identity provider provisions people through SCIM 2.0 with its own token, only within its domains and accounts.
public sealed class ScimTests(PorticoApp app) : AppTests
{
    private static readonly string[] UserSchemas = ["urn:ietf:params:scim:schemas:core:2.0:User"];
    private static readonly string[] PatchSchemas = ["urn:ietf:params:scim:api:messages:2.0:PatchOp"];

    private Task<Provider> ProviderAsync() => app.AddScimProviderAsync();

    private Task<(HttpStatusCode Status, JsonObject? Body)> SendAsync(HttpMethod method, string path, string? token, object? body = null) =>
        app.ScimAsync(method, path, token, body);

    private static string Users(Provider p) => $"/scim/v2/{p.Saved.Id}/Users";

    private Task<(HttpStatusCode Status, JsonObject? Body)> CreateAsync(Provider p, string email) => CreateAsync(p, email, p.Token);

    private Task<(HttpStatusCode Status, JsonObject? Body)> CreateAsync(Provider p, string email, string? token) =>
        SendAsync(HttpMethod.Post, Users(p), token, new Dictionary<string, object>
        {
            ["schemas"] = UserSchemas, ["userName"] = email,
            ["name"] = new { formatted = "Ada Lovelace" }, ["active"] = true,
        });

    private static object Deactivate => new
    {
        schemas = PatchSchemas,
        Operations = new object[] { new { op = "Replace", path = "active", value = "False" } },
    };

    /// A person of the provider's domain with the role in its account, signed in in a browser of their own.
    private async Task<(PorticoUser Person, PorticoClient Browser)> SignedInMemberAsync(Provider p, string role)
    {
        var person = await app.CreateUserAsync($"ada-{PorticoApp.Unique()}@{p.Domain}");
        await app.AddMemberAsync(p.Account, person, role);
        return (person, await app.SignInAsync(person));
    }

    private static async Task AssertStillSignedInAsync(PorticoClient browser) =>
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync(new Uri("/account/profile", UriKind.Relative))).StatusCode);

    /// The session ended at once: the next page sends the browser to sign in.
    private static async Task AssertSignedOutAsync(PorticoClient browser)
    {
        var refused = await browser.Http.GetAsync(new Uri("/account/profile", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/login", refused.Headers.Location!.AbsolutePath);
    }

    /// The answer to a deactivation shows the person inactive, their session is gone and they belong to no account.
    private async Task AssertDeactivatedAsync((HttpStatusCode Status, JsonObject? Body) answer, PorticoUser person, PorticoClient browser)
    {
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.False(answer.Body!["active"]!.GetValue<bool>());
        await AssertSignedOutAsync(browser);
        Assert.False(await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().AnyAsync(m => m.UserId == person.Id)));
    }

    private static void AssertError(HttpStatusCode expected, (HttpStatusCode Status, JsonObject? Body) answer, string? scimType = null)
    {
        Assert.Equal(expected, answer.Status);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", answer.Body!["schemas"]![0]!.GetValue<string>());
        Assert.Equal(((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Body["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(answer.Body["detail"]?.GetValue<string>()));
        if (scimType is not null)
        {
            Assert.Equal(scimType, answer.Body["scimType"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_provider_creates_a_person_who_joins_its_accounts_and_finds_them_by_user_name()
    {
        var p = await ProviderAsync();
        var email = $"ada-{PorticoApp.Unique()}@{p.Domain}";

        var (status, created) = await CreateAsync(p, email);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal((email, "Ada Lovelace", true), (created!["userName"]!.GetValue<string>(), created["displayName"]!.GetValue<string>(), created["active"]!.GetValue<bool>()));
        var id = Guid.Parse(created["id"]!.GetValue<string>());
        var role = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.UserId == id && m.AccountId == p.Account.Id)
            .Select(m => m.RoleId).SingleAsync());
        Assert.Equal(p.Saved.DefaultRoleId, role);
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ScimPersonCreated, id.ToString()));
        AssertError(HttpStatusCode.Conflict, await CreateAsync(p, email), "uniqueness");

        var (_, found) = await SendAsync(HttpMethod.Get, Users(p) + "?filter=" + Uri.EscapeDataString($"userName eq \"{email.ToUpperInvariant()}\""), p.Token);
        Assert.Equal(1, found!["totalResults"]!.GetValue<int>());
        Assert.Equal(id.ToString(), found["Resources"]![0]!["id"]!.GetValue<string>());
        var (_, none) = await SendAsync(HttpMethod.Get, Users(p) + "?filter=" + Uri.EscapeDataString($"userName eq \"nobody@{p.Domain}\""), p.Token);
        Assert.Equal((0, 0), (none!["totalResults"]!.GetValue<int>(), none["Resources"]!.AsArray().Count));
        AssertError(HttpStatusCode.BadRequest, await SendAsync(HttpMethod.Get, Users(p) + "?filter=" + Uri.EscapeDataString("emails co \"x\""), p.Token), "invalidFilter");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"{Users(p)}/{id}", p.Token)).Status);

        // Paging: a second person, one a page.
        await CreateAsync(p, $"bob-{PorticoApp.Unique()}@{p.Domain}");
        var (_, second) = await SendAsync(HttpMethod.Get, Users(p) + "?startIndex=2&count=1", p.Token);
        Assert.Equal((2, 2, 1), (second!["totalResults"]!.GetValue<int>(), second["startIndex"]!.GetValue<int>(), second["itemsPerPage"]!.GetValue<int>()));
        Assert.NotEqual(id.ToString(), second["Resources"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_email_outside_the_providers_domains_is_refused()
    {
        var p = await ProviderAsync();
        var email = $"ada-{PorticoApp.Unique()}@elsewhere.example";

        AssertError(HttpStatusCode.BadRequest, await CreateAsync(p, email), "invalidValue");

        Assert.False(await app.WithDbAsync((db, _) => db.Users.AnyAsync(u => u.Email == email)));
    }

    [Fact]
    public async Task Deactivating_a_person_ends_their_memberships_and_sessions_at_once_and_activating_restores_membership()
    {
        var p = await ProviderAsync();
        var (person, browser) = await SignedInMemberAsync(p, BuiltInRoles.Requester);
        using var _ = browser;
        await AssertStillSignedInAsync(browser);

        var answer = await SendAsync(HttpMethod.Patch, $"{Users(p)}/{person.Id}", p.Token, Deactivate);

        await AssertDeactivatedAsync(answer, person, browser);
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ScimPersonDeactivated, person.Id.ToString()));
        // Still the provider's to see and bring back.
        var (_, seen) = await SendAsync(HttpMethod.Get, $"{Users(p)}/{person.Id}", p.Token);
        Assert.False(seen!["active"]!.GetValue<bool>());

        var (restored, back) = await SendAsync(HttpMethod.Put, $"{Users(p)}/{person.Id}", p.Token,
            new { schemas = UserSchemas, userName = person.Email, displayName = "Ada L.", active = true });

        Assert.Equal(HttpStatusCode.OK, restored);
        Assert.Equal((true, "Ada L."), (back!["active"]!.GetValue<bool>(), back["displayName"]!.GetValue<string>()));
        Assert.True(await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().AnyAsync(m => m.UserId == person.Id && m.AccountId == p.Account.Id)));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ScimPersonReactivated, person.Id.ToString()));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ScimPersonChanged, person.Id.ToString()));
    }

    [Fact]
    public async Task Deleting_a_person_ends_their_memberships_in_the_providers_accounts_and_their_sessions_at_once()
    {
        var p = await ProviderAsync();
        var (person, browser) = await SignedInMemberAsync(p, BuiltInRoles.Requester);
        using var _ = browser;
        var elsewhere = await app.CreateAccountAsync();
        await app.AddMemberAsync(elsewhere, person, BuiltInRoles.Owner);
        var (_, group) = await SendAsync(HttpMethod.Post, $"/scim/v2/{p.Saved.Id}/Groups", p.Token,
            new { displayName = "everyone", members = new[] { new { value = person.Id.ToString() } } });
        await AssertStillSignedInAsync(browser);

        var (status, body) = await SendAsync(HttpMethod.Delete, $"{Users(p)}/{person.Id}", p.Token);

        Assert.Equal((HttpStatusCode.NoContent, null), (status, body));
        await AssertSignedOutAsync(browser);
        Assert.Equal([elsewhere.Id], await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.UserId == person.Id).Select(m => m.AccountId).ToListAsync()));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ScimPersonDeleted, person.Id.ToString()));
        AssertError(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, $"{Users(p)}/{person.Id}", p.Token));
        AssertError(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Delete, $"{Users(p)}/{person.Id}", p.Token));
        var (_, left) = await SendAsync(HttpMethod.Get, $"/scim/v2/{p.Saved.Id}/Groups/{group!["id"]!.GetValue<string>()}", p.Token);
        Assert.Empty(left!["members"]!.AsArray());
    }

    [Fact]
    public async Task Deleting_an_accounts_last_owner_is_refused_and_changes_nothing_until_someone_else_is_owner()
    {
        var p = await ProviderAsync();
        var (owner, browser) = await SignedInMemberAsync(p, BuiltInRoles.Owner);
        using var _ = browser;

        var refused = await SendAsync(HttpMethod.Delete, $"{Users(p)}/{owner.Id}", p.Token);

        AssertError(HttpStatusCode.Conflict, refused);
        Assert.Contains("last Owner", refused.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertStillSignedInAsync(browser);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"{Users(p)}/{owner.Id}", p.Token)).Status);
        Assert.Equal(0, await app.AuditCountAsync(AuditActions.ScimPersonDeleted, owner.Id.ToString()));

        await app.AddMemberAsync(p.Account, await app.CreateUserAsync(), BuiltInRoles.Owner);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"{Users(p)}/{owner.Id}", p.Token)).Status);
        Assert.False(await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().AnyAsync(m => m.UserId == owner.Id)));
    }

    [Fact]
    public async Task Deactivating_an_accounts_last_owner_is_refused_and_changes_nothing_until_someone_else_is_owner()
    {
        var p = await ProviderAsync();
        var (owner, browser) = await SignedInMemberAsync(p, BuiltInRoles.Owner);
        using var _ = browser;

        var refused = await SendAsync(HttpMethod.Patch, $"{Users(p)}/{owner.Id}", p.Token, Deactivate);

        AssertError(HttpStatusCode.Conflict, refused);
        Assert.Contains($"last Owner of {p.Account.Name}", refused.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertError(HttpStatusCode.Conflict, await SendAsync(HttpMethod.Put, $"{Users(p)}/{owner.Id}", p.Token,
            new { schemas = UserSchemas, userName = owner.Email, displayName = "Ada L.", active = false }));
        await AssertStillSignedInAsync(browser);
        var (_, seen) = await SendAsync(HttpMethod.Get, $"{Users(p)}/{owner.Id}", p.Token);
        Assert.True(seen!["active"]!.GetValue<bool>());
        Assert.NotEqual("Ada L.", seen["displayName"]!.GetValue<string>());
        Assert.Equal(BuiltInRoles.Owner, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters()
            .Where(m => m.UserId == owner.Id && m.AccountId == p.Account.Id).Select(m => m.Role.Name).SingleAsync()));
        Assert.Equal(0, await app.AuditCountAsync(AuditActions.ScimPersonDeactivated, owner.Id.ToString()));

        await app.AddMemberAsync(p.Account, await app.CreateUserAsync(), BuiltInRoles.Owner);
        var answer = await SendAsync(HttpMethod.Patch, $"{Users(p)}/{owner.Id}", p.Token, Deactivate);

        await AssertDeactivatedAsync(answer, owner, browser);
    }

    [Fact]
    public async Task Two_owners_deactivated_at_the_same_moment_leave_the_account_one_owner()
    {
        for (var round = 0; round < 4; round++)
        {
            var p = await ProviderAsync();
            var owners = new List<PorticoUser>();
            for (var i = 0; i < 2; i++)
            {
                owners.Add(await app.CreateUserAsync($"owner{i}-{PorticoApp.Unique()}@{p.Domain}"));
                await app.AddMemberAsync(p.Account, owners[i], BuiltInRoles.Owner);
            }

            var answers = await Task.WhenAll(owners.Select(o => SendAsync(HttpMethod.Patch, $"{Users(p)}/{o.Id}", p.Token, Deactivate)));

            Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }, answers.Select(a => a.Status).Order());
            AssertError(HttpStatusCode.Conflict, answers.Single(a => a.Status == HttpStatusCode.Conflict));
            var kept = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.AccountId == p.Account.Id)
                .Select(m => new { m.UserId, Role = m.Role.Name }).ToListAsync());
            var refused = owners[Array.FindIndex(answers, a => a.Status == HttpStatusCode.Conflict)];
            Assert.Equal(new[] { (refused.Id, BuiltInRoles.Owner) }, kept.Select(m => (m.UserId, m.Role)));
        }
    }

    [Fact]
    public async Task Sixteen_creates_of_one_user_name_at_once_make_one_person_and_answer_the_rest_conflict()
    {
        var p = await ProviderAsync();
        // A new person, then someone who already exists as a customer elsewhere and is new to this provider.
        var existing = await app.CreateUserAsync($"bea-{PorticoApp.Unique()}@{p.Domain}");
        await app.AddMemberAsync(await app.CreateAccountAsync(), existing, BuiltInRoles.Requester);
        foreach (var email in new[] { $"ada-{PorticoApp.Unique()}@{p.Domain}", existing.Email! })
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => CreateAsync(p, email)));

            // Each answer's status and SCIM error type in one line, so a failure shows what the losers got.
            Assert.Equal(["Created ", .. Enumerable.Repeat("Conflict uniqueness", 15)],
                answers.Select(a => $"{a.Status} {a.Body?["scimType"]?.GetValue<string>()}").OrderBy(a => a.StartsWith("Created", StringComparison.Ordinal) ? 0 : 1));
            Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => AssertError(HttpStatusCode.Conflict, a, "uniqueness"));
            var id = Guid.Parse(answers.Single(a => a.Status == HttpStatusCode.Created).Body!["id"]!.GetValue<string>());
            Assert.Equal(1, await app.WithDbAsync((db, _) => db.Users.CountAsync(u => u.Email == email)));
            Assert.Equal(1, await app.WithDbAsync((db, _) => db.ScimPeople.CountAsync(s => s.ProviderId == p.Saved.Id && s.UserId == id)));
            Assert.Equal(1, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().CountAsync(m => m.UserId == id && m.AccountId == p.Account.Id)));
            Assert.Equal(1, await app.AuditCountAsync(AuditActions.ScimPersonCreated, id.ToString()));
        }
    }

    [Fact]
    public async Task Another_providers_token_a_wrong_token_or_none_is_refused_and_changes_nothing()
    {
        var p = await ProviderAsync();
        var other = await ProviderAsync();
        var person = await app.CreateUserAsync($"ada-{PorticoApp.Unique()}@{p.Domain}");
        await app.AddMemberAsync(p.Account, person, BuiltInRoles.Requester);

        foreach (var token in new[] { other.Token, p.Token + "x", "portico_scim_nothing", null })
        {
            AssertError(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Patch, $"{Users(p)}/{person.Id}", token, Deactivate));
            AssertError(HttpStatusCode.Unauthorized, await CreateAsync(p, $"eve-{PorticoApp.Unique()}@{p.Domain}", token));
            AssertError(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Get, Users(p), token));
        }

        Assert.True(await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().AnyAsync(m => m.UserId == person.Id && m.AccountId == p.Account.Id)));
        Assert.False(await app.WithDbAsync((db, _) => db.Users.AnyAsync(u => u.Email!.EndsWith("@" + p.Domain) && u.Id != person.Id)));
        Assert.Equal(0, await app.AuditCountAsync(AuditActions.ScimPersonDeactivated, person.Id.ToString()));
    }

    [Fact]
    public async Task A_person_of_an_account_the_provider_does_not_serve_is_invisible()
    {
        var p = await ProviderAsync();
        var (_, outsider) = await app.CreateCustomerAsync(BuiltInRoles.Owner);

        AssertError(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, $"{Users(p)}/{outsider.Id}", p.Token));
        AssertError(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Patch, $"{Users(p)}/{outsider.Id}", p.Token, Deactivate));
        AssertError(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Delete, $"{Users(p)}/{outsider.Id}", p.Token));
        var (_, list) = await SendAsync(HttpMethod.Get, Users(p) + "?filter=" + Uri.EscapeDataString($"userName eq \"{outsider.Email}\""), p.Token);
        Assert.Equal(0, list!["totalResults"]!.GetValue<int>());

        Assert.True(await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().AnyAsync(m => m.UserId == outsider.Id)));
    }

    [Fact]
    public async Task A_staff_admin_generates_a_token_shown_once_and_a_new_one_replaces_it()
    {
        var p = await ProviderAsync();
        using var admin = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));
        var path = $"/staff/sso/{p.Saved.Id}";

        async Task<string> GenerateAsync()
        {
            var answer = await admin.PostFormAsync(path + "?handler=ScimToken", await admin.GetPageAsync(path), new Dictionary<string, string>());
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            return (await PorticoClient.ParseAsync(answer)).QuerySelector("[data-testid=scim-token]")!.TextContent.Trim();
        }

        var first = await GenerateAsync();
        Assert.DoesNotContain(first, await admin.Http.GetStringAsync(new Uri(path, UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, Users(p), first)).Status);
        var second = await GenerateAsync();

        AssertError(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Get, Users(p), first));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, Users(p), second)).Status);
        Assert.Equal(2, await app.AuditCountAsync(AuditActions.ScimTokenGenerated, p.Saved.Id.ToString()));
        var stored = await app.WithDbAsync((db, _) => db.SingleSignOnProviders.SingleAsync(x => x.Id == p.Saved.Id));
        Assert.DoesNotContain(second, stored.ScimTokenHash!, StringComparison.Ordinal);
    }
}
