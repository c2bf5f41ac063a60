namespace Portico.Tests.Web;

public sealed class StrictApiLimitApp : PorticoApp
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["ApiLimits:PerMinutePerUser"] = "3" };
}

public sealed class ApiRateLimitTests : OwnAppTests<StrictApiLimitApp>
{
    [Fact]
    public async Task Each_person_has_their_own_api_budget_and_going_over_it_gets_429_with_retry_after_and_a_problem()
    {
        await Web.SharedRateLimitTests.WindowWithRoomAsync();
        var (account, first) = await App.CreateCustomerAsync(BuiltInRoles.Owner);
        var second = await App.CreateMemberAsync(account, BuiltInRoles.Viewer);
        using var firstClient = await App.SignInAsync(first);
        using var secondClient = await App.SignInAsync(second);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        foreach (var path in new[] { "/api/me", $"/api/accounts/{account.Id}/memberships", "/api/me", "/api/me" })
        {
            last = await firstClient.Http.GetAsync(new Uri(path, UriKind.Relative));
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last!.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 and <= 60 }, "Retry-After should say how many seconds to wait.");
        Assert.Equal("application/problem+json", last.Content.Headers.ContentType!.MediaType);
        using (var problem = JsonDocument.Parse(await last.Content.ReadAsStringAsync()))
        {
            Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("Too many requests", problem.RootElement.GetProperty("title").GetString());
        }
        // The same address, another person: a budget of their own. Pages are not counted.
        Assert.Equal(HttpStatusCode.OK, (await secondClient.Http.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await firstClient.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await firstClient.Http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Callers_without_a_session_share_one_budget_per_address()
    {
        await Web.SharedRateLimitTests.WindowWithRoomAsync();
        using var anonymous = App.Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await anonymous.Http.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }
}
