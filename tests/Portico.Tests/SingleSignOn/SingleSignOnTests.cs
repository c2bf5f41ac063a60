using static Portico.Tests.SingleSignOn.SingleSignOnSteps;

namespace Portico.Tests.SingleSignOn;

/// Sign-in through OpenID Connect providers, against the real test provider running as its own process.
public sealed class SingleSignOnTests(PorticoApp app) : AppTests, IAsyncLifetime
{
    private TestIdentityProvider _idp = null!;

    public async Task InitializeAsync() => _idp = await TestIdentityProvider.GetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static Uri Url(string path) => new(path, UriKind.Relative);

    private Task<PorticoUser?> PersonAsync(string email) => app.WithDbAsync((db, _) => db.Users.SingleOrDefaultAsync(u => u.Email == email));

    private static async Task AssertSignedOutAsync(SingleSignOnBrowser browser)
    {
        var home = await browser.Portal.Http.GetAsync(Url("/account/profile"));
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/login", home.Headers.Location!.AbsolutePath);
    }

    private static void AssertBackAtSignIn(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/login?sso={reason}", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_new_person_signs_in_with_single_sign_on_and_joins_the_providers_accounts_with_the_role_of_their_group()
    {
        var domain = NewDomain();
        var (first, second) = (await app.CreateAccountAsync(), await app.CreateAccountAsync());
        var provider = await app.AddProviderAsync(_idp, domain, accounts: [first, second], groupRoles: "portal-owners = Owner");
        var email = $"nadia@{domain}";
        using var browser = new SingleSignOnBrowser(app);

        var answer = await browser.SignInAsync(email, new Dictionary<string, string> { ["name"] = "Nadia Noor", ["groups"] = "staff,portal-owners" });

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/", answer.Headers.Location!.OriginalString);
        var person = await PersonAsync(email);
        Assert.NotNull(person);
        Assert.Equal(("Nadia Noor", true, null), (person.DisplayName, person.EmailConfirmed, person.PasswordHash));
        var roles = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.UserId == person.Id)
            .Select(m => new { m.AccountId, m.Role.Name }).ToListAsync());
        Assert.Equal([(first.Id, "Owner"), (second.Id, "Owner")], roles.Select(r => (r.AccountId, r.Name)).OrderBy(r => r.AccountId == first.Id ? 0 : 1));
        Assert.Equal(HttpStatusCode.OK, (await browser.Portal.Http.GetAsync(Url($"/a/{first.Id}"))).StatusCode);
        // The same server-side session as every other sign-in.
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == person.Id && s.RevokedAt == null)));
        var id = person.Id.ToString();
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.SingleSignOnPersonCreated, id));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.SingleSignOnLinked, id));
        Assert.Equal(2, await app.AuditCountAsync(AuditActions.SingleSignOnMembershipGranted, id));
        Assert.Contains("\"sso\"", Assert.Single(await app.AuditDetailsAsync(AuditActions.LoginSucceeded, id)), StringComparison.Ordinal);

        // Next time the provider's subject finds the same person, without a second membership.
        using var again = new SingleSignOnBrowser(app);
        Assert.Equal("/", (await again.SignInAsync(email)).Headers.Location!.OriginalString);
        Assert.Equal(2, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().CountAsync(m => m.UserId == person.Id)));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.SingleSignOnLinked, id));
        Assert.Equal(provider.Id.ToString("N"), (await app.WithDbAsync((db, _) => db.UserLogins.SingleAsync(l => l.UserId == person.Id))).LoginProvider[4..]);
    }

    [Fact]
    public async Task Eight_first_sign_ins_of_one_person_at_once_all_sign_in_and_make_one_person_one_link_and_one_membership()
    {
        var domain = NewDomain();
        var account = await app.CreateAccountAsync();
        await app.AddProviderAsync(_idp, domain, accounts: [account]);
        var email = $"tabs-{PorticoApp.Unique()}@{domain}";
        var browsers = Enumerable.Range(0, 8).Select(_ => new SingleSignOnBrowser(app)).ToList();
        try
        {
            var callbacks = await Task.WhenAll(browsers.Select(b => b.CallbackForAsync(email)));

            var answers = await Task.WhenAll(browsers.Zip(callbacks, (b, c) => b.CallbackAsync(c)));

            Assert.Equal(Enumerable.Repeat("Found /", 8), answers.Select(a => $"{a.StatusCode} {a.Headers.Location?.OriginalString}"));
            var person = await PersonAsync(email);
            Assert.NotNull(person);
            Assert.Equal(1, await app.WithDbAsync((db, _) => db.UserLogins.CountAsync(l => l.UserId == person.Id)));
            Assert.Equal(1, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().CountAsync(m => m.UserId == person.Id)));
            Assert.Equal(8, await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == person.Id && s.RevokedAt == null)));
            Assert.Equal(1, await app.AuditCountAsync(AuditActions.SingleSignOnPersonCreated, person.Id.ToString()));
            Assert.Equal(1, await app.AuditCountAsync(AuditActions.SingleSignOnMembershipGranted, person.Id.ToString()));
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public async Task An_existing_person_is_linked_when_the_provider_asserts_their_verified_email_and_keeps_their_role()
    {
        var domain = NewDomain();
        var account = await app.CreateAccountAsync();
        var existing = await app.CreateUserAsync($"omar@{domain}");
        await app.AddMemberAsync(account, existing, BuiltInRoles.Billing);
        await app.AddProviderAsync(_idp, domain, accounts: [account]);
        using var browser = new SingleSignOnBrowser(app);

        Assert.Equal("/", (await browser.SignInAsync(existing.Email!, new Dictionary<string, string> { ["sub"] = "omar-" + PorticoApp.Unique() })).Headers.Location!.OriginalString);

        Assert.Equal(1, await app.AuditCountAsync(AuditActions.SingleSignOnLinked, existing.Id.ToString()));
        Assert.Equal(0, await app.AuditCountAsync(AuditActions.SingleSignOnPersonCreated, existing.Id.ToString()));
        Assert.Equal(BuiltInRoles.Billing, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.UserId == existing.Id).Select(m => m.Role.Name).SingleAsync()));
    }

    [Fact]
    public async Task Each_later_sign_in_gives_the_role_the_persons_groups_give_now()
    {
        var domain = NewDomain();
        var account = await app.CreateAccountAsync();
        await app.AddProviderAsync(_idp, domain, accounts: [account], groupRoles: "portal-billing = Billing");
        var email = $"lena@{domain}";
        var sub = "lena-" + PorticoApp.Unique();
        async Task<string> SignInWithGroupsAsync(string groups)
        {
            using var browser = new SingleSignOnBrowser(app);
            Assert.Equal("/", (await browser.SignInAsync(email, new Dictionary<string, string> { ["sub"] = sub, ["groups"] = groups })).Headers.Location!.OriginalString);
            return await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.User.Email == email && m.AccountId == account.Id)
                .Select(m => m.Role.Name).SingleAsync());
        }

        Assert.Equal(BuiltInRoles.Requester, await SignInWithGroupsAsync("staff"));
        Assert.Equal(BuiltInRoles.Billing, await SignInWithGroupsAsync("staff,portal-billing"));
        Assert.Equal(BuiltInRoles.Requester, await SignInWithGroupsAsync("staff"));

        Assert.Equal(2, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.MembershipRoleChanged && e.AccountId == account.Id)));
    }

    [Fact]
    public async Task A_provider_that_does_not_verify_the_email_links_nobody_and_creates_nobody()
    {
        var domain = NewDomain();
        var existing = await app.CreateUserAsync($"victim@{domain}");
        var provider = await app.AddProviderAsync(_idp, domain);
        foreach (var email in new[] { existing.Email!, $"newcomer@{domain}" })
        {
            using var browser = new SingleSignOnBrowser(app);
            AssertBackAtSignIn(await browser.SignInAsync(email, new Dictionary<string, string> { ["email_verified"] = "false" }), SingleSignOnReasons.Unverified);
            await AssertSignedOutAsync(browser);
        }
        Assert.Null(await PersonAsync($"newcomer@{domain}"));
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.UserLogins.CountAsync(l => l.UserId == existing.Id)));
        Assert.Equal(2, await app.AuditCountAsync(AuditActions.SingleSignOnRefused, provider.Id.ToString()));
        var page = await new SingleSignOnBrowser(app).Portal.GetPageAsync("/login?sso=unverified");
        Assert.Contains("did not confirm your email", page.QuerySelector("[data-testid=sso-problem]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entras_domain_owner_verified_claim_stands_in_only_where_email_verified_is_absent()
    {
        var domain = NewDomain();
        await app.AddProviderAsync(_idp, domain);
        using var entra = new SingleSignOnBrowser(app);
        using var contradicted = new SingleSignOnBrowser(app);
        using var neither = new SingleSignOnBrowser(app);

        var accepted = await entra.SignInAsync($"ida@{domain}", new Dictionary<string, string> { ["email_verified"] = "absent", ["xms_edov"] = "true" });
        var refused = await contradicted.SignInAsync($"ivo@{domain}", new Dictionary<string, string> { ["email_verified"] = "false", ["xms_edov"] = "true" });
        var unknown = await neither.SignInAsync($"ina@{domain}", new Dictionary<string, string> { ["email_verified"] = "absent" });

        Assert.Equal("/", accepted.Headers.Location!.OriginalString);
        AssertBackAtSignIn(refused, SingleSignOnReasons.Unverified);
        AssertBackAtSignIn(unknown, SingleSignOnReasons.Unverified);
    }

    [Fact]
    public async Task An_email_outside_the_providers_domains_is_refused_even_when_verified()
    {
        var domain = NewDomain();
        var elsewhere = await app.CreateUserAsync($"someone@{NewDomain()}");
        var provider = await app.AddProviderAsync(_idp, domain);
        using var browser = new SingleSignOnBrowser(app);
        var authorize = await browser.StartAsync($"me@{domain}");

        // The provider answers for an address of another domain: the account of someone else.
        var answer = await browser.CallbackAsync(await SingleSignOnBrowser.AtProviderAsync(authorize, new Dictionary<string, string> { ["email"] = elsewhere.Email! }));

        AssertBackAtSignIn(answer, SingleSignOnReasons.OutsideDomains);
        await AssertSignedOutAsync(browser);
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.UserLogins.CountAsync(l => l.UserId == elsewhere.Id)));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.SingleSignOnRefused, provider.Id.ToString()));
    }

    [Theory]
    [InlineData("issuer", "SecurityTokenInvalidIssuerException")]
    [InlineData("key", "SecurityTokenInvalidSignatureException")]
    [InlineData("expired", "SecurityTokenExpiredException")]
    public async Task An_id_token_with_a_wrong_issuer_a_forged_signature_or_past_its_expiry_signs_nobody_in(string tamper, string error)
    {
        var domain = NewDomain();
        var provider = await app.AddProviderAsync(_idp, domain);
        using var browser = new SingleSignOnBrowser(app);

        var answer = await browser.SignInAsync($"mallory@{domain}", new Dictionary<string, string> { ["tamper"] = tamper });

        AssertBackAtSignIn(answer, SingleSignOnReasons.Rejected);
        await AssertSignedOutAsync(browser);
        Assert.Null(await PersonAsync($"mallory@{domain}"));
        Assert.Contains(error, Assert.Single(await app.AuditDetailsAsync(AuditActions.SingleSignOnRefused, provider.Id.ToString())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nonce_from_an_earlier_sign_in_is_refused()
    {
        var domain = NewDomain();
        var provider = await app.AddProviderAsync(_idp, domain);
        using var browser = new SingleSignOnBrowser(app);
        var email = $"replay@{domain}";
        var first = await browser.StartAsync(email);
        var usedNonce = System.Web.HttpUtility.ParseQueryString(first.Query)["nonce"]!;
        Assert.Equal("/", (await browser.CallbackAsync(await SingleSignOnBrowser.AtProviderAsync(first, new Dictionary<string, string> { ["email"] = email })))
            .Headers.Location!.OriginalString);
        using var later = new SingleSignOnBrowser(app);

        var replayed = await later.CallbackAsync(await SingleSignOnBrowser.AtProviderAsync(await later.StartAsync(email),
            new Dictionary<string, string> { ["email"] = email, ["tamper"] = "nonce", ["tamper_value"] = usedNonce }));

        AssertBackAtSignIn(replayed, SingleSignOnReasons.Rejected);
        await AssertSignedOutAsync(later);
        Assert.Contains("OpenIdConnectProtocolInvalidNonceException", Assert.Single(await app.AuditDetailsAsync(AuditActions.SingleSignOnRefused, provider.Id.ToString())),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_callback_whose_state_was_changed_or_belongs_to_another_browser_is_refused()
    {
        var domain = NewDomain();
        var provider = await app.AddProviderAsync(_idp, domain);
        var email = $"state@{domain}";
        using var victim = new SingleSignOnBrowser(app);
        var callback = await victim.CallbackForAsync(email);
        var state = System.Web.HttpUtility.ParseQueryString(callback.Query)["state"]!;

        var changed = await victim.CallbackAsync(new Uri(callback.ToString().Replace(Uri.EscapeDataString(state), Uri.EscapeDataString(state[..^4] + "AAAA"), StringComparison.Ordinal)));
        using var attacker = new SingleSignOnBrowser(app);
        var elsewhere = await attacker.CallbackAsync(callback);

        AssertBackAtSignIn(changed, SingleSignOnReasons.Rejected);
        AssertBackAtSignIn(elsewhere, SingleSignOnReasons.Rejected);
        await AssertSignedOutAsync(victim);
        await AssertSignedOutAsync(attacker);
        Assert.Equal(2, await app.AuditCountAsync(AuditActions.SingleSignOnRefused, provider.Id.ToString()));
    }

    [Fact]
    public async Task A_provider_disabled_while_the_person_was_away_signs_nobody_in_and_is_not_offered_again()
    {
        var domain = NewDomain();
        var provider = await app.AddProviderAsync(_idp, domain);
        var email = $"late@{domain}";
        using var browser = new SingleSignOnBrowser(app);
        var callback = await browser.CallbackForAsync(email);
        await app.WithDbAsync(async db =>
        {
            var stored = await db.SingleSignOnProviders.Include(p => p.Domains).Include(p => p.Accounts).Include(p => p.GroupRoles).SingleAsync(p => p.Id == provider.Id);
            stored.Change(new ProviderSettings(stored.Name, stored.DiscoveryUrl, stored.ClientId, ["openid"], [domain], [], stored.DefaultRoleId,
                new Dictionary<string, Guid>(), Required: false, Enabled: false), null, DateTime.UtcNow);
            await db.SaveChangesAsync();
        });

        AssertBackAtSignIn(await browser.CallbackAsync(callback), SingleSignOnReasons.Disabled);
        await AssertSignedOutAsync(browser);
        Assert.Null(await PersonAsync(email));
        var offered = await browser.Portal.PostFormAsync("/login?handler=SingleSignOn", await browser.Portal.GetPageAsync("/login"),
            new Dictionary<string, string> { ["Form.Email"] = email });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, offered.StatusCode);
        Assert.Contains("not set up for that email's domain", (await PorticoClient.ParseAsync(offered)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_one_provider_issued_is_refused_at_another_providers_callback()
    {
        var (domainA, domainB) = (NewDomain(), NewDomain());
        var providerA = await app.AddProviderAsync(_idp, domainA, tenant: "a");
        await app.AddProviderAsync(_idp, domainB, tenant: "b");
        using var browser = new SingleSignOnBrowser(app);
        var callbackA = await browser.CallbackForAsync($"eve@{domainA}");
        using var other = new SingleSignOnBrowser(app);
        var callbackB = await SingleSignOnBrowser.AtProviderAsync(await other.StartAsync($"eve@{domainB}"), new Dictionary<string, string> { ["email"] = $"eve@{domainA}" });
        var codeB = System.Web.HttpUtility.ParseQueryString(callbackB.Query)["code"]!;
        var codeA = System.Web.HttpUtility.ParseQueryString(callbackA.Query)["code"]!;

        var answer = await browser.CallbackAsync(new Uri(callbackA.ToString().Replace(Uri.EscapeDataString(codeA), Uri.EscapeDataString(codeB), StringComparison.Ordinal)));

        AssertBackAtSignIn(answer, SingleSignOnReasons.Rejected);
        await AssertSignedOutAsync(browser);
        Assert.Contains("invalid_grant", Assert.Single(await app.AuditDetailsAsync(AuditActions.SingleSignOnRefused, providerA.Id.ToString())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_id_token_issued_to_another_providers_client_is_refused()
    {
        var (domainA, domainB) = (NewDomain(), NewDomain());
        var providerA = await app.AddProviderAsync(_idp, domainA);
        var providerB = await app.AddProviderAsync(_idp, domainB);
        using var browser = new SingleSignOnBrowser(app);

        var answer = await browser.SignInAsync($"eve@{domainA}", new Dictionary<string, string> { ["tamper"] = "audience", ["tamper_value"] = providerB.ClientId });

        AssertBackAtSignIn(answer, SingleSignOnReasons.Rejected);
        Assert.Contains("SecurityTokenInvalidAudienceException", Assert.Single(await app.AuditDetailsAsync(AuditActions.SingleSignOnRefused, providerA.Id.ToString())),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Single_sign_on_required_refuses_a_password_and_an_email_link_with_a_pointer_to_single_sign_on()
    {
        var domain = NewDomain();
        var person = await app.CreateUserAsync($"pat@{domain}");
        var provider = await app.AddProviderAsync(_idp, domain, required: true);
        using var client = app.Anonymous();

        var password = await client.LoginAsync(person.Email!, PorticoApp.Password);
        var link = await client.PostFormAsync("/login/link", await client.GetPageAsync("/login/link"), new Dictionary<string, string> { ["Email"] = person.Email! });

        Assert.Equal(HttpStatusCode.OK, password.StatusCode);
        Assert.Contains("Continue with single sign-on", (await PorticoClient.ParseAsync(password)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, link.StatusCode);
        Assert.Contains("signs in with single sign-on", await link.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(Url("/account/profile"))).StatusCode);
        Assert.Equal(2, await app.AuditCountAsync(AuditActions.SingleSignOnRequiredRefusal, provider.Id.ToString()));
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.Users.Where(u => u.Id == person.Id).Select(u => u.AccessFailedCount).SingleAsync()));

        // Single sign-on itself still signs the person in.
        using var browser = new SingleSignOnBrowser(app);
        Assert.Equal("/", (await browser.SignInAsync(person.Email!)).Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Only_a_provider_that_asserts_multi_factor_authentication_meets_an_accounts_two_factor_rule()
    {
        var domain = NewDomain();
        var account = await app.CreateAccountAsync();
        await app.WithDbAsync(async db =>
        {
            (await db.Accounts.SingleAsync(a => a.Id == account.Id)).SetRequireMfa(true);
            await db.SaveChangesAsync();
        });
        await app.AddProviderAsync(_idp, domain, accounts: [account]);
        using var single = new SingleSignOnBrowser(app);
        using var multi = new SingleSignOnBrowser(app);

        await single.SignInAsync($"one@{domain}", new Dictionary<string, string> { ["amr"] = "pwd" });
        await multi.SignInAsync($"two@{domain}", new Dictionary<string, string> { ["amr"] = "pwd,mfa" });

        var refused = await single.Portal.Http.GetAsync(Url($"/a/{account.Id}"));
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/security", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await multi.Portal.Http.GetAsync(Url($"/a/{account.Id}"))).StatusCode);
    }
}
