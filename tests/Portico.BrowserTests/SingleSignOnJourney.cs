using System.Text.Json;
using Portico.Features.Audit;
using Portico.Features.SingleSignOn;
using Portico.Tests.SingleSignOn;

namespace Portico.BrowserTests;

/// Single sign-on in Chromium against the real test provider, which has no sign-in screen of its own: the journey names the
/// person at the provider with test_* parameters on the authorization request.
public sealed class SingleSignOnJourney(BrowserFixture fixture) : Journey(fixture)
{
    private static readonly string[] PatchSchemas = ["urn:ietf:params:scim:api:messages:2.0:PatchOp"];

    /// Waits to land on the account's page; on the way elsewhere, says where the browser ended, what the page said and why the
    /// callback refused, as audited.
    private async Task LandOnAccountAsync(IPage page, Account account)
    {
        try
        {
            await page.WaitForURLAsync($"**/a/{account.Id}", new() { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("sso-not-landed.png"), FullPage = true });
            var refusals = await App.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.Action == AuditActions.SingleSignOnRefused)
                .OrderByDescending(e => e.Id).Select(e => e.Details).Take(3).ToListAsync());
            Assert.Fail($"Ended at {page.Url}: {await page.Locator("body").InnerTextAsync()}\nRefusals: {string.Join('\n', refusals)}");
        }
    }

    /// Clicks "Continue with single sign-on" for the email typed; the hand-over page moves on to the provider by itself. The
    /// provider has no screen to name the person on, so the browser's request to it is sent on once with the person named
    /// in test_* parameters, unchanged otherwise (the same state, nonce and PKCE challenge, and nothing sent twice).
    /// Answers how many requests reached the provider.
    private static async Task<Func<int>> ClickContinueWithSingleSignOnAsAsync(IPage page, IDictionary<string, string> person)
    {
        var sent = 0;
        await page.RouteAsync(url => url.Contains("code_challenge=", StringComparison.Ordinal), async route =>
        {
            Interlocked.Increment(ref sent);
            await route.ContinueAsync(new() { Url = route.Request.Url + string.Concat(person.Select(p => $"&test_{p.Key}={Uri.EscapeDataString(p.Value)}")) });
        });
        await page.GetByTestId("continue-sso").ClickAsync();
        return () => Volatile.Read(ref sent);
    }

    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDirectory, name);

    /// "Continue with single sign-on" for the email typed, sent as the page's form sends it through the browser's own
    /// cookie jar; the page it answers moves on to the provider, whose address is then opened in the page with the person
    /// named (the provider has no screen to type them in). The provider sends the browser back to the portal's callback.
    private static async Task ContinueWithSingleSignOnAsAsync(IPage page, IDictionary<string, string> person)
    {
        var form = page.Locator("form:has([data-testid=continue-sso])");
        var answer = await page.Context.APIRequest.PostAsync("/login?handler=SingleSignOn", new()
        {
            Form = page.Context.APIRequest.CreateFormData()
                .Set("Form.Email", await page.GetByLabel("Email").InputValueAsync())
                .Set("__RequestVerificationToken", await form.Locator("input[name=__RequestVerificationToken]").InputValueAsync()),
            MaxRedirects = 0,
        });
        Assert.Equal(200, answer.Status);
        var html = await answer.TextAsync();
        var start = html.IndexOf("href=\"", StringComparison.Ordinal) + "href=\"".Length;
        var authorize = System.Net.WebUtility.HtmlDecode(html[start..html.IndexOf('"', start)]);
        Assert.Contains("code_challenge=", authorize, StringComparison.Ordinal);
        await page.GotoAsync(authorize + string.Concat(person.Select(p => $"&test_{p.Key}={Uri.EscapeDataString(p.Value)}")));
    }

    [Fact]
    public async Task A_new_person_continues_with_single_sign_on_and_lands_in_the_providers_account_with_the_role_of_their_group()
    {
        var idp = await TestIdentityProvider.GetAsync();
        var domain = SingleSignOnSteps.NewDomain();
        var account = await App.CreateAccountAsync("Heron Freight " + PorticoApp.Unique());
        await App.AddProviderAsync(idp, domain, accounts: [account], groupRoles: "portal-billing = Billing");
        var email = $"mira@{domain}";

        await using var context = await Fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(email);
        var sent = await ClickContinueWithSingleSignOnAsAsync(page, new Dictionary<string, string> { ["email"] = email, ["name"] = "Mira Holm", ["groups"] = "portal-billing" });

        await LandOnAccountAsync(page, account);
        Assert.Equal(1, sent());
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(account.Name);
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync("your role: Billing");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("sso-just-in-time.png"), FullPage = true });
        Assert.Equal("Mira Holm", await App.WithDbAsync((db, _) => db.Users.Where(u => u.Email == email).Select(u => u.DisplayName).SingleAsync()));
    }

    [Fact]
    public async Task A_password_is_refused_when_single_sign_on_is_required_and_the_pointer_leads_through_single_sign_on()
    {
        var idp = await TestIdentityProvider.GetAsync();
        var domain = SingleSignOnSteps.NewDomain();
        var account = await App.CreateAccountAsync();
        var person = await App.CreateUserAsync($"jon@{domain}");
        await App.AddMemberAsync(account, person, BuiltInRoles.Requester);
        await App.AddProviderAsync(idp, domain, accounts: [account], required: true);

        await using var context = await Fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await Browsing.TryPasswordAsync(page, person.Email!);

        await Assertions.Expect(page.GetByText(SingleSignOnDirectory.RequiredMessage)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("sso-required.png"), FullPage = true });

        // Following the pointer: the email is still there, and single sign-on signs the same person in.
        await Assertions.Expect(page.GetByLabel("Email")).ToHaveValueAsync(person.Email!);
        await ContinueWithSingleSignOnAsAsync(page, new Dictionary<string, string> { ["email"] = person.Email! });
        await LandOnAccountAsync(page, account);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Deactivating_a_signed_in_person_through_scim_sends_their_next_page_to_sign_in()
    {
        var provider = await App.AddScimProviderAsync();
        var person = await App.CreateUserAsync($"ines-{PorticoApp.Unique()}@{provider.Domain}");
        await App.AddMemberAsync(provider.Account, person, BuiltInRoles.Requester);

        await using var context = await Fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, person);
        await page.GotoAsync($"/a/{provider.Account.Id}");
        await Assertions.Expect(page.GetByTestId("active-account")).ToContainTextAsync(provider.Account.Name);

        // The provider's SCIM client, from outside the browser.
        using var scim = new HttpClient { BaseAddress = new Uri(Fixture.BaseUrl) };
        using var deactivate = new HttpRequestMessage(HttpMethod.Patch, $"/scim/v2/{provider.Saved.Id}/Users/{person.Id}")
        {
            Content = new StringContent(JsonSerializer.Serialize(new
            {
                schemas = PatchSchemas,
                Operations = new[] { new { op = "replace", path = "active", value = false } },
            }), Encoding.UTF8, ScimApi.ContentType),
        };
        deactivate.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", provider.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await scim.SendAsync(deactivate)).StatusCode);

        await page.ReloadAsync();
        await page.WaitForURLAsync("**/login**");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0);
    }
}
