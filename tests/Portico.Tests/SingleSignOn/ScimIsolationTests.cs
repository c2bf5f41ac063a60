namespace Portico.Tests.SingleSignOn;

/// Provider A's SCIM token against provider B: every SCIM endpoint, found from the app's own endpoints, with each value it
/// binds set in turn to B's: the provider and the resource in the URL, the userName, the members and the filters in the
/// request. Each attempt answers the refusal expected and changes nothing anywhere, and nothing of B's is answered.
public sealed class ScimIsolationTests : IAsyncLifetime
{
    private static readonly string[] UserSchemas = ["urn:ietf:params:scim:schemas:core:2.0:User"];
    private static readonly string[] PatchSchemas = ["urn:ietf:params:scim:api:messages:2.0:PatchOp"];

    private readonly PorticoApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private sealed record Side(ScimProvider Provider, Guid Person, string Email, Guid Group, string GroupName)
    {
        public string Root => $"/scim/v2/{Provider.Saved.Id}";
    }

    private async Task<Side> SideAsync()
    {
        var groupName = "portal-billing-" + PorticoApp.Unique();
        var provider = await _app.AddScimProviderAsync($"{groupName} = Billing");
        var email = $"ada-{PorticoApp.Unique()}@{provider.Domain}";
        var (_, person) = await _app.ScimAsync(HttpMethod.Post, $"/scim/v2/{provider.Saved.Id}/Users", provider.Token,
            new { schemas = UserSchemas, userName = email });
        var personId = Guid.Parse(person!["id"]!.GetValue<string>());
        var (_, group) = await _app.ScimAsync(HttpMethod.Post, $"/scim/v2/{provider.Saved.Id}/Groups", provider.Token,
            new { displayName = groupName, members = Members(personId) });
        return new Side(provider, personId, email, Guid.Parse(group!["id"]!.GetValue<string>()), groupName);
    }

    private static Dictionary<string, string>[] Members(Guid person) => [new() { ["value"] = person.ToString() }];

    private static object Patch(object operation) => new { schemas = PatchSchemas, Operations = new[] { operation } };

    [Fact]
    public async Task A_providers_token_reaches_nothing_of_another_provider_through_any_bound_value()
    {
        var a = await SideAsync();
        var b = await SideAsync();
        var endpoints = _app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("scim/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, e.RoutePattern.RawText!.Trim('/'))))
            .ToHashSet();

        // For each endpoint: A's own valid request (path after the provider, and body), then the attacks on the values in the body.
        var users = "scim/v2/{providerId:guid}/Users";
        var groups = "scim/v2/{providerId:guid}/Groups";
        var cases = new Dictionary<(string Method, string Route), (string Path, object? Body, (string What, string Path, object? Body, HttpStatusCode Expected)[] Attacks)>
        {
            [("GET", users)] = ("/Users", null, [("filter userName=B's person", "/Users?filter=" + Uri.EscapeDataString($"userName eq \"{b.Email}\""), null, HttpStatusCode.OK)]),
            [("POST", users)] = ("/Users", new { userName = $"new-{PorticoApp.Unique()}@{a.Provider.Domain}" },
                [("userName=B's person", "/Users", new { userName = b.Email }, HttpStatusCode.BadRequest)]),
            [("GET", users + "/{id}")] = ($"/Users/{a.Person}", null, []),
            [("PUT", users + "/{id}")] = ($"/Users/{a.Person}", new { userName = a.Email, active = true },
                [("userName=B's person", $"/Users/{a.Person}", new { userName = b.Email, active = true }, HttpStatusCode.BadRequest)]),
            [("PATCH", users + "/{id}")] = ($"/Users/{a.Person}", Patch(new { op = "replace", path = "active", value = false }), []),
            [("DELETE", users + "/{id}")] = ($"/Users/{a.Person}", null, []),
            [("GET", groups)] = ("/Groups", null, [("filter displayName=B's group", "/Groups?filter=" + Uri.EscapeDataString($"displayName eq \"{b.GroupName}\""), null, HttpStatusCode.OK)]),
            [("POST", groups)] = ("/Groups", new { displayName = "new-" + PorticoApp.Unique() },
                [("members=B's person", "/Groups", new { displayName = "new-" + PorticoApp.Unique(), members = Members(b.Person) }, HttpStatusCode.BadRequest)]),
            [("GET", groups + "/{id}")] = ($"/Groups/{a.Group}", null, []),
            [("PUT", groups + "/{id}")] = ($"/Groups/{a.Group}", new { displayName = a.GroupName, members = Members(a.Person) },
                [("members=B's person", $"/Groups/{a.Group}", new { displayName = a.GroupName, members = Members(b.Person) }, HttpStatusCode.BadRequest)]),
            [("PATCH", groups + "/{id}")] = ($"/Groups/{a.Group}", Patch(new { op = "add", path = "members", value = Members(a.Person) }),
            [
                ("add members=B's person", $"/Groups/{a.Group}", Patch(new { op = "add", path = "members", value = Members(b.Person) }), HttpStatusCode.BadRequest),
                ("replace members=B's person", $"/Groups/{a.Group}", Patch(new { op = "replace", path = "members", value = Members(b.Person) }), HttpStatusCode.BadRequest),
                ("remove members[value eq B's person]", $"/Groups/{a.Group}", Patch(new { op = "remove", path = $"members[value eq \"{b.Person}\"]" }), HttpStatusCode.OK),
            ]),
            [("DELETE", groups + "/{id}")] = ($"/Groups/{a.Group}", null, []),
        };
        // Every SCIM endpoint has its case here, or a new one would go unattacked.
        Assert.Equal(cases.Keys.Order(), endpoints.Order());

        var failures = new List<string>();
        var attempts = 0;
        async Task AttackAsync(string what, HttpMethod method, string path, object? body, HttpStatusCode expected)
        {
            var before = await _app.AllTablesAsync("AuditEvents", "AuditChainHeads");
            var (status, answer) = await _app.ScimAsync(method, path, a.Provider.Token, body);
            attempts++;
            if (status != expected)
            {
                failures.Add($"{what} answered {(int)status}, not {(int)expected}");
            }
            var text = answer?.ToJsonString() ?? "";
            if (new[] { b.Person.ToString(), b.Group.ToString(), b.Email, b.GroupName }.FirstOrDefault(x => text.Contains(x, StringComparison.OrdinalIgnoreCase)) is { } leaked
                && status != HttpStatusCode.BadRequest)
            {
                failures.Add($"{what} answered B's {leaked}");
            }
            var after = await _app.AllTablesAsync("AuditEvents", "AuditChainHeads");
            failures.AddRange(before.Where(t => after[t.Key] != t.Value).Select(t => $"{what} changed {t.Key}"));
        }

        foreach (var ((verb, route), (path, body, attacks)) in cases)
        {
            var method = new HttpMethod(verb);
            // 1. B's provider in the URL with A's token.
            await AttackAsync($"{verb} {route}: {{providerId}}=B's provider", method, b.Root + path, body, HttpStatusCode.Unauthorized);
            // 2. B's person or group in the URL, under A's provider.
            if (route.EndsWith("/{id}", StringComparison.Ordinal))
            {
                var bResource = route.Contains("/Users", StringComparison.Ordinal) ? b.Person : b.Group;
                var aResource = route.Contains("/Users", StringComparison.Ordinal) ? a.Person : a.Group;
                await AttackAsync($"{verb} {route}: {{id}}=B's", method, a.Root + path.Replace(aResource.ToString(), bResource.ToString(), StringComparison.Ordinal),
                    body, HttpStatusCode.NotFound);
            }
            // 3. B's values in the body or the query.
            foreach (var (what, attackPath, attackBody, expected) in attacks)
            {
                await AttackAsync($"{verb} {route}: {what}", method, a.Root + attackPath, attackBody, expected);
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {attempts} attempts got through:\n" + string.Join('\n', failures));
        // B's person is still active, in B's account with the role of B's group.
        var (_, person) = await _app.ScimAsync(HttpMethod.Get, $"{b.Root}/Users/{b.Person}", b.Provider.Token);
        Assert.True(person!["active"]!.GetValue<bool>());
        Assert.Equal(BuiltInRoles.Billing, await _app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters()
            .Where(m => m.UserId == b.Person && m.AccountId == b.Provider.Account.Id).Select(m => m.Role.Name).SingleAsync()));
    }
}
