namespace Portico.Tests.Identity;

public sealed class TwoFactorRateLimitTests : OwnAppTests<ThreeSignInsPerMinuteApp>
{
    [Fact]
    public async Task The_code_step_shares_the_sign_in_rate_limit()
    {
        await Web.SharedRateLimitTests.WindowWithRoomAsync();
        using var client = App.Anonymous();
        // Opening the pages counts for nothing: a busy office behind one address still sees them.
        for (var i = 0; i < 5; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.Http.GetAsync(new Uri(i % 2 == 0 ? "/login/two-factor" : "/login", UriKind.Relative))).StatusCode);
        }
        // Posting the code step and the sign-in form draws on one budget of three.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var empty = new FormUrlEncodedContent([]);
            statuses.Add((await client.Http.PostAsync(new Uri(i % 2 == 0 ? "/login/two-factor" : "/login", UriKind.Relative), empty)).StatusCode);
        }

        Assert.All(statuses.Take(3), s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(3));
    }
}
