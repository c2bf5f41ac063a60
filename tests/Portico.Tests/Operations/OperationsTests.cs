using Microsoft.AspNetCore.Hosting;

namespace Portico.Tests.Operations;

public sealed class OperationsTests(PorticoApp app) : AppTests
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_without_signing_in(string path)
    {
        using var client = app.Anonymous();
        var response = await client.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pages_carry_security_headers()
    {
        using var client = app.Anonymous();
        var response = await client.Http.GetAsync(new Uri("/login", UriKind.Relative));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_page_gets_a_friendly_404_without_internals()
    {
        var (_, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        var response = await client.Http.GetAsync(new Uri("/no/such/page", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Equal("Page not found", page.QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task The_api_answers_401_not_a_login_redirect()
    {
        using var client = app.Anonymous();
        var response = await client.Http.GetAsync(new Uri("/api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        using var client = app.Anonymous();
        var document = await client.Http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Contains("/api/accounts/{accountId}/memberships", document, StringComparison.Ordinal);
        Assert.Contains("/api/me", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        var pending = await app.WithDbAsync((db, _) => Task.FromResult(db.Database.HasPendingModelChanges()));
        Assert.False(pending, "Run scripts/add-migration NAME: the model changed without a migration.");
    }
}

public sealed class ConfigurationTests
{
    [Fact]
    public async Task Postgres_without_a_connection_string_fails_at_start_with_a_clear_message()
    {
        await using var app = new ConfiguredApp(new() { ["Database:Provider"] = "Postgres", ["Database:ConnectionString"] = "" });
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        var validation = ConfiguredApp.FindValidation(error);
        Assert.Contains("Database:ConnectionString is required", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_brand_colour_fails_at_start_with_a_clear_message()
    {
        await using var app = new ConfiguredApp(new() { ["Branding:PrimaryColor"] = "blue" });
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("Branding:PrimaryColor must be a colour like #1d4ed8.", ConfiguredApp.FindValidation(error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_made_before_the_migrations_were_squashed_is_refused_at_start_with_a_clear_message()
    {
        await using var earlier = new PorticoApp();
        await earlier.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('20261126012052_Requests', '10.0.0')"));
        await using var app = new ConfiguredApp(new() { ["Database:Provider"] = earlier.Provider, ["Database:ConnectionString"] = earlier.ConnectionString });
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("made by a pre-release build of Portico (migration 20261126012052_Requests) and cannot be upgraded", error.ToString(), StringComparison.Ordinal);
    }
}
