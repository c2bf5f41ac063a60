using Portico.Infrastructure.Telemetry;

namespace Portico.Tests.Operations;

/// The Prometheus scrape endpoint: Portico's own figures for whoever has the token, nothing for anyone else.
public sealed class MetricsTests
{
    private const string Token = "scrape-token-for-tests-0123456789";

    [Fact]
    public async Task The_scrape_endpoint_shows_uploads_and_sign_in_failures_to_the_token_holder_only()
    {
        await using var app = new ConfiguredApp(new() { ["OpenTelemetry:MetricsToken"] = Token });
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        using var client = await app.SignInAsync(owner);
        Assert.Equal(HttpStatusCode.Created, (await client.UploadByApiAsync(account.Id, folder.Id, "notes.txt", Text("notes"))).StatusCode);
        using var stranger = app.Anonymous();
        await stranger.LoginAsync(owner.Email!, "not the password");

        using var anonymous = app.CreateClient();
        var withoutToken = await anonymous.GetAsync(new Uri(TelemetrySetup.MetricsPath, UriKind.Relative));
        using var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri(TelemetrySetup.MetricsPath, UriKind.Relative));
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token[..^1] + "x");
        var withWrongToken = await anonymous.SendAsync(wrong);
        using var right = new HttpRequestMessage(HttpMethod.Get, new Uri(TelemetrySetup.MetricsPath, UriKind.Relative));
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var scraped = await anonymous.SendAsync(right);
        var text = await scraped.Content.ReadAsStringAsync();

        foreach (var refused in new[] { withoutToken, withWrongToken })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.DoesNotContain("portico_", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Matches(@"portico_uploads_total\{[^}]*kind=""document""[^}]*\} [1-9]", text);
        Assert.Matches(@"portico_sign_in_failures_total(\{[^}]*\})? [1-9]", text);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_there_is_no_scrape_endpoint()
    {
        await using var app = new ConfiguredApp([]);
        using var anonymous = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await anonymous.GetAsync(new Uri(TelemetrySetup.MetricsPath, UriKind.Relative));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("portico_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
