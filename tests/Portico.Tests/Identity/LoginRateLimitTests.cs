using System.Net;
using Portico.Tests.Infrastructure;

namespace Portico.Tests.Identity;

public sealed class LoginRateLimitTests : IAsyncLifetime
{
    private sealed class StrictApp : PorticoApp
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["LoginLimits:PerMinutePerAddress"] = "3" };
    }

    private readonly StrictApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Too_many_sign_in_attempts_from_one_address_get_429()
    {
        using var client = _app.Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await client.Http.GetAsync(new Uri("/login", UriKind.Relative))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var health = await client.Http.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
