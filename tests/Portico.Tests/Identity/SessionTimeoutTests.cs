namespace Portico.Tests.Identity;

/// A clock the test moves forward; the cookie handler, the session store and the stamp check all read it.
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// The portal with a clock the tests move.
public class ClockApp : PorticoApp
{
    public TestClock Clock { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// Idle timeout 30 minutes, absolute limit 1 hour.
public sealed class TimeoutApp : ClockApp
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Security:IdleTimeoutMinutes"] = "30",
        ["Security:AbsoluteTimeoutHours"] = "1",
    };
}

public sealed class SessionTimeoutTests : OwnAppTests<TimeoutApp>
{
    private static async Task<HttpStatusCode> OpenAsync(PorticoClient client, Account account) =>
        (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode;

    [Fact]
    public async Task A_session_left_idle_longer_than_the_idle_timeout_ends()
    {
        var (account, user) = await App.CreateCustomerAsync(BuiltInRoles.Viewer);
        using var client = await App.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(client, account));

        App.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(client, account));

        App.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(client, account));
    }

    [Fact]
    public async Task A_busy_session_slides_past_the_idle_timeout_but_ends_at_the_absolute_limit()
    {
        var (account, user) = await App.CreateCustomerAsync(BuiltInRoles.Viewer);
        using var client = await App.SignInAsync(user);

        // Used every 20 minutes: each use keeps it alive beyond 30 minutes from sign-in...
        foreach (var _ in Enumerable.Range(0, 2))
        {
            App.Clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, await OpenAsync(client, account));
        }
        App.Clock.Advance(TimeSpan.FromMinutes(19));
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(client, account));

        // ...until an hour after sign-in, although it was used 2 minutes ago.
        App.Clock.Advance(TimeSpan.FromMinutes(2));
        var response = await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        // The session's end, as stored, never passed the absolute limit.
        var session = await App.WithDbAsync((db, _) => db.UserSessions.SingleAsync(s => s.UserId == user.Id));
        Assert.True(session.ExpiresAt <= session.CreatedAt.AddHours(1), $"{session.ExpiresAt} is after {session.CreatedAt.AddHours(1)}");
    }

    [Fact]
    public async Task The_absolute_limit_counts_from_sign_in_even_when_the_idle_timeout_would_allow_more()
    {
        var (account, user) = await App.CreateCustomerAsync(BuiltInRoles.Viewer);
        using var client = await App.SignInAsync(user);
        App.Clock.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(client, account));
        App.Clock.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(HttpStatusCode.OK, await OpenAsync(client, account));

        // The cookie slid to 50 + 30 minutes; the server's limit of 60 minutes still wins.
        App.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(HttpStatusCode.Redirect, await OpenAsync(client, account));
    }
}

public sealed class SessionTimeoutConfigurationTests
{
    [Theory]
    [InlineData("0", "24", "Security:IdleTimeoutMinutes must be between 1 and 10080")]
    [InlineData("30", "0", "Security:AbsoluteTimeoutHours must be between 1 and 2160")]
    [InlineData("120", "1", "Security:IdleTimeoutMinutes is longer than Security:AbsoluteTimeoutHours")]
    public async Task Wrong_timeouts_stop_the_app_at_start_with_a_clear_message(string idle, string absolute, string message)
    {
        await using var app = new ConfiguredApp(new() { ["Security:IdleTimeoutMinutes"] = idle, ["Security:AbsoluteTimeoutHours"] = absolute });
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        var validation = ConfiguredApp.FindValidation(error);
        Assert.Contains(message, validation.Message, StringComparison.Ordinal);
    }
}
