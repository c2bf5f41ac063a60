namespace Portico.Tests.Web;

/// An app node with a small API budget, on a database of its own or on another node's.
public sealed class LimitedNode(PorticoApp? sharing = null) : PorticoApp
{
    protected override IDictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?> { ["ApiLimits:PerMinutePerUser"] = "3" };
        if (sharing is not null)
        {
            settings["Database:Provider"] = sharing.Provider;
            settings["Database:ConnectionString"] = sharing.ConnectionString;
        }
        return settings;
    }
}

/// The fixed-window counts kept in the database (ADR 0022): one atomic statement per use, so parallel nodes
/// neither lose nor double a count. The statement is the same on both databases; the app counts there on PostgreSQL.
public sealed class SharedRateLimitTests : OwnStartedAppTests<PorticoApp>
{
    private Task<int> CountAsync(string key, long window) =>
        App.Services.GetRequiredService<SharedRateLimits>().CountAsync(key, window, CancellationToken.None);

    [Fact]
    public async Task Parallel_uses_of_one_key_in_one_window_each_get_a_count_of_their_own()
    {
        var key = "test:" + PorticoApp.Unique();
        using var start = new SemaphoreSlim(0);
        var uses = Enumerable.Range(0, 40).Select(_ => Task.Run(async () =>
        {
            await start.WaitAsync();
            return await CountAsync(key, 60_000);
        })).ToList();
        start.Release(uses.Count);

        var counts = await Task.WhenAll(uses);

        Assert.Equal(Enumerable.Range(1, 40), counts.Order());
    }

    [Fact]
    public async Task A_new_window_counts_from_one_again_and_a_late_use_of_an_ended_window_does_not_reset_it()
    {
        var key = "test:" + PorticoApp.Unique();
        Assert.Equal(1, await CountAsync(key, 60_000));
        Assert.Equal(2, await CountAsync(key, 60_000));
        Assert.Equal(1, await CountAsync(key, 120_000));
        // A node whose clock is a little behind still counts against the newer window, never restarting it.
        Assert.Equal(1, await CountAsync(key, 60_000));
        Assert.Equal(2, await CountAsync(key, 120_000));
        Assert.Equal(1, await CountAsync("test:" + PorticoApp.Unique(), 120_000));
    }

    [Fact]
    public async Task Counts_of_ended_windows_are_removed_and_current_ones_kept()
    {
        var limits = App.Services.GetRequiredService<SharedRateLimits>();
        var (old, current) = ("test:" + PorticoApp.Unique(), "test:" + PorticoApp.Unique());
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ended = now - (long)TimeSpan.FromMinutes(5).TotalMilliseconds;
        await CountAsync(old, ended);
        await CountAsync(current, now);

        await limits.ForgetEndedAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(1, await CountAsync(old, ended));
        Assert.Equal(2, await CountAsync(current, now));
    }

    [Fact]
    public async Task Two_nodes_on_one_postgresql_database_share_a_persons_api_budget_and_on_sqlite_each_process_counts_its_own()
    {
        await using var first = new LimitedNode();
        _ = first.Services;
        await using var second = new LimitedNode(sharing: first);
        var (account, person) = await first.CreateCustomerAsync(BuiltInRoles.Owner);
        await WindowWithRoomAsync();
        using var throughFirst = await first.SignInAsync(person);
        using var throughSecond = await second.SignInAsync(person);

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { throughFirst, throughFirst, throughSecond, throughSecond })
        {
            statuses.Add((await client.Http.GetAsync(new Uri($"/api/accounts/{account.Id}/memberships", UriKind.Relative))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK,
            TestDatabase.IsPostgres ? HttpStatusCode.TooManyRequests : HttpStatusCode.OK], statuses);
    }

    /// A budget of a minute restarts on the minute (on PostgreSQL every node's window starts on it); a test that spends
    /// one waits past a minute's last 20 seconds, since a loaded machine can take that long over a few requests.
    internal static async Task WindowWithRoomAsync()
    {
        var second = DateTime.UtcNow.Second;
        if (second >= 40)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - second));
        }
    }
}
