namespace Portico.Tests.Identity;

public sealed class LoginRateLimitTests : OwnAppTests<ThreeSignInsPerMinuteApp>
{
    [Fact]
    public async Task Too_many_sign_in_attempts_from_one_address_get_429_while_the_sign_in_page_still_opens()
    {
        await Web.SharedRateLimitTests.WindowWithRoomAsync();
        using var client = App.Anonymous();
        var page = await client.GetPageAsync("/login");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await client.PostFormAsync("/login", page, new Dictionary<string, string>
            {
                ["Form.Email"] = $"nobody-{PorticoApp.Unique()}@example.com", ["Form.Password"] = "Wrong-password-1",
            })).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(3));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses.Skip(3));
        // Opening the form is not an attempt: people behind the same address still see it.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri("/login", UriKind.Relative))).StatusCode);
        }
        var health = await client.Http.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Too_many_email_change_requests_from_one_address_get_429_while_the_profile_still_opens()
    {
        await Web.SharedRateLimitTests.WindowWithRoomAsync();
        var user = await App.CreateUserAsync();
        // Posting the sign-in form uses one of the three attempts (opening it uses none).
        using var client = await App.SignInAsync(user);
        var profile = await client.GetPageAsync("/account/profile");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            var response = await client.PostFormAsync("/account/email", profile, new Dictionary<string, string> { ["EmailChange.NewEmail"] = "not-an-email" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri("/account/profile", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Asking_for_a_password_reset_and_posting_a_new_password_count_as_attempts_and_get_429_over_the_limit()
    {
        await Web.SharedRateLimitTests.WindowWithRoomAsync();
        using var client = App.Anonymous();
        var forgot = await client.GetPageAsync("/account/forgot-password");
        var ask = new Dictionary<string, string> { ["Email"] = $"nobody-{PorticoApp.Unique()}@example.com" };
        var reset = new Dictionary<string, string> { ["Password.NewPassword"] = "Brand-new-password-77", ["Password.ConfirmPassword"] = "Brand-new-password-77" };
        var resetUrl = $"/account/reset-password?user={Guid.NewGuid()}&code=bm90LWEtdG9rZW4";

        var statuses = new List<HttpStatusCode>
        {
            (await client.PostFormAsync("/account/forgot-password", forgot, ask)).StatusCode,
            (await client.PostFormAsync(resetUrl, forgot, reset)).StatusCode,
            (await client.PostFormAsync("/account/forgot-password", forgot, ask)).StatusCode,
            (await client.PostFormAsync(resetUrl, forgot, reset)).StatusCode,
            (await client.PostFormAsync("/account/forgot-password", forgot, ask)).StatusCode,
        };

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Gone, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        // Opening either page is not an attempt.
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri("/account/forgot-password", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await client.Http.GetAsync(new Uri(resetUrl, UriKind.Relative))).StatusCode);
    }
}
