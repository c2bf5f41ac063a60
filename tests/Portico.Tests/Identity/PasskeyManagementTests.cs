using System.Buffers.Text;

namespace Portico.Tests.Identity;

/// Adding and using passkeys end to end needs an authenticator; the browser journey has one.
/// These tests cover what the server must refuse, and renaming and removing stored passkeys.
public sealed class PasskeyManagementTests(PorticoApp app) : AppTests
{
    /// A stored passkey as Identity keeps it; the key material is never checked by these tests.
    private Task<string> StorePasskeyAsync(PorticoUser user, string name) => app.WithDbAsync(async (_, services) =>
    {
        var users = services.GetRequiredService<UserManager<PorticoUser>>();
        var id = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var passkey = new UserPasskeyInfo(id, new byte[77], DateTimeOffset.UtcNow, 0, ["internal"], true, false, false, new byte[10], new byte[10]) { Name = name };
        Assert.True((await users.AddOrUpdatePasskeyAsync((await users.FindByIdAsync(user.Id.ToString()))!, passkey)).Succeeded);
        return Base64Url.EncodeToString(id);
    });

    private Task<List<string?>> PasskeyNamesAsync(PorticoUser user) => app.WithDbAsync(async (_, services) =>
    {
        var users = services.GetRequiredService<UserManager<PorticoUser>>();
        return (await users.GetPasskeysAsync((await users.FindByIdAsync(user.Id.ToString()))!)).Select(p => p.Name).ToList();
    });

    private static async Task<IHtmlDocument> AddAsync(PorticoClient client, IHtmlDocument page, string name, string credentialJson)
    {
        var response = await client.PostFormAsync("/account/security?handler=AddPasskey", page,
            new Dictionary<string, string> { ["Name"] = name, ["CredentialJson"] = credentialJson });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await PorticoClient.ParseAsync(response);
    }

    [Fact]
    public async Task The_creation_options_name_this_site_and_this_person()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var page = await client.GetPageAsync("/account/security");
        Assert.NotNull(page.QuerySelector("[data-testid=no-passkeys]"));

        var response = await client.PostFormAsync("/account/security?handler=PasskeyOptions", page, new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var options = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("localhost", options.RootElement.GetProperty("rp").GetProperty("id").GetString());
        Assert.Equal(user.Email, options.RootElement.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal(user.DisplayName, options.RootElement.GetProperty("user").GetProperty("displayName").GetString());
        Assert.False(string.IsNullOrEmpty(options.RootElement.GetProperty("challenge").GetString()));
    }

    [Fact]
    public async Task Options_without_the_antiforgery_token_are_refused()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);

        var response = await client.Http.PostAsync(new Uri("/account/security?handler=PasskeyOptions", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("", "The browser sent no usable passkey")]
    [InlineData("not json at all", "The browser sent no usable passkey")]
    [InlineData("[1, 2, 3]", "The browser sent no usable passkey")]
    [InlineData("{\"id\": \"AAAA\", \"type\": \"public-key\"}", "could not be verified")]
    [InlineData("{\"id\": 5, \"response\": {\"clientDataJSON\": 7}}", "could not be verified")]
    public async Task A_bad_answer_from_the_browser_is_refused_with_a_reason_and_stores_nothing(string credentialJson, string message)
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var page = await client.GetPageAsync("/account/security");
        // Start a real creation, as the page's script does, so Identity itself judges the answer.
        Assert.Equal(HttpStatusCode.OK, (await client.PostFormAsync("/account/security?handler=PasskeyOptions", page, new Dictionary<string, string>())).StatusCode);

        var after = await AddAsync(client, page, "Work laptop", credentialJson);

        Assert.Contains(message, after.QuerySelector("[data-testid=passkey-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Work laptop", after.QuerySelector("#passkey-name")!.GetAttribute("value"));
        Assert.Empty(await PasskeyNamesAsync(user));
    }

    [Fact]
    public async Task An_answer_without_a_started_creation_is_refused()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var page = await client.GetPageAsync("/account/security");

        var after = await AddAsync(client, page, "Phone", "{\"id\": \"AAAA\", \"type\": \"public-key\"}");

        Assert.Contains("took too long or was started elsewhere", after.QuerySelector("[data-testid=passkey-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(await PasskeyNamesAsync(user));
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.PasskeyRefused && e.TargetId == user.Id.ToString())));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_passkey_needs_a_name(string name)
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var page = await client.GetPageAsync("/account/security");

        var after = await AddAsync(client, page, name, "{\"id\": \"AAAA\"}");

        Assert.Contains("Give the passkey a name", after.QuerySelector("[data-testid=passkey-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(await PasskeyNamesAsync(user));
    }

    [Fact]
    public async Task A_person_sees_renames_and_removes_their_passkeys()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var id = await StorePasskeyAsync(user, "Old phone");
        using var client = await app.SignInAsync(user);
        var page = await client.GetPageAsync("/account/security");
        Assert.Equal("Old phone", Assert.Single(page.QuerySelectorAll("[data-testid=passkey-name]")).TextContent);

        var tooLong = await client.PostFormAsync("/account/security?handler=RenamePasskey", page, new Dictionary<string, string> { ["id"] = id, ["name"] = new string('x', 101) });
        Assert.Equal(HttpStatusCode.OK, tooLong.StatusCode);
        Assert.Contains("at most 100 characters", (await PorticoClient.ParseAsync(tooLong)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["Old phone"], await PasskeyNamesAsync(user));

        var renamed = await client.PostFormAsync("/account/security?handler=RenamePasskey", page, new Dictionary<string, string> { ["id"] = id, ["name"] = "New phone" });
        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        Assert.Equal(["New phone"], await PasskeyNamesAsync(user));

        var removed = await client.PostFormAsync("/account/security?handler=RemovePasskey", page, new Dictionary<string, string> { ["id"] = id });
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Empty(await PasskeyNamesAsync(user));
        // Still signed in after the change.
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri("/account/security?done=passkey-removed", UriKind.Relative))).StatusCode);
        var actions = await app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.TargetId == user.Id.ToString()).Select(e => e.Action).ToListAsync());
        Assert.Contains(AuditActions.PasskeyRenamed, actions);
        Assert.Contains(AuditActions.PasskeyRemoved, actions);
    }

    [Fact]
    public async Task Another_persons_passkey_can_be_neither_renamed_nor_removed()
    {
        var (_, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var id = await StorePasskeyAsync(owner, "Owner's key");
        var (_, intruder, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        var page = await client.GetPageAsync("/account/security");

        var rename = await client.PostFormAsync("/account/security?handler=RenamePasskey", page, new Dictionary<string, string> { ["id"] = id, ["name"] = "Mine now" });
        var remove = await client.PostFormAsync("/account/security?handler=RemovePasskey", page, new Dictionary<string, string> { ["id"] = id });
        var garbage = await client.PostFormAsync("/account/security?handler=RemovePasskey", page, new Dictionary<string, string> { ["id"] = "%%not-an-id%%" });

        Assert.Equal(HttpStatusCode.NotFound, rename.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, remove.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, garbage.StatusCode);
        Assert.Equal(["Owner's key"], await PasskeyNamesAsync(owner));
    }

    [Fact]
    public async Task Removing_a_passkey_without_the_antiforgery_token_is_refused()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var id = await StorePasskeyAsync(user, "Laptop");
        using var client = await app.SignInAsync(user);

        var response = await client.Http.PostAsync(new Uri("/account/security?handler=RemovePasskey", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = id }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["Laptop"], await PasskeyNamesAsync(user));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{oops")]
    [InlineData("{\"id\": \"AAAA\", \"type\": \"public-key\"}")]
    public async Task A_bad_passkey_answer_on_the_login_page_signs_nobody_in(string credentialJson)
    {
        using var client = app.Anonymous();
        var page = await client.GetPageAsync("/login");
        var options = await client.PostFormAsync("/login?handler=PasskeyOptions", page, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, options.StatusCode);
        using (var json = JsonDocument.Parse(await options.Content.ReadAsStringAsync()))
        {
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("challenge").GetString()));
        }

        var response = await client.PostFormAsync("/login?handler=Passkey", page, new Dictionary<string, string> { ["CredentialJson"] = credentialJson });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await PorticoClient.ParseAsync(response);
        Assert.Contains("That passkey did not sign you in", after.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(after.QuerySelectorAll("[data-valmsg-for]"), e => e.TextContent.Trim().Length > 0);
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri("/account/security", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_known_passkey_with_a_forged_signature_signs_nobody_in_and_is_audited()
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var id = await StorePasskeyAsync(user, "Laptop");
        using var client = app.Anonymous();
        var page = await client.GetPageAsync("/login");
        await client.PostFormAsync("/login?handler=PasskeyOptions", page, new Dictionary<string, string>());
        var forged = JsonSerializer.Serialize(new
        {
            id,
            rawId = id,
            type = "public-key",
            response = new { clientDataJSON = "e30", authenticatorData = "AAAA", signature = "AAAA", userHandle = Base64Url.EncodeToString(user.Id.ToByteArray()) },
            clientExtensionResults = new { },
        });

        var response = await client.PostFormAsync("/login?handler=Passkey", page, new Dictionary<string, string> { ["CredentialJson"] = forged });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri("/account/security", UriKind.Relative))).StatusCode);
        var failed = await app.WithDbAsync((db, _) => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.LoginFailed && e.TargetId == user.Id.ToString()));
        Assert.Contains("passkey", failed.Details, StringComparison.Ordinal);
    }
}
