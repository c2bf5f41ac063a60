namespace Portico.Tests.Requests;

/// Requesters and viewers see their own requests and shared ones; owners and auditors see all.
public sealed class RequestVisibilityTests(PorticoApp app) : AppTests
{
    private sealed record Setup(Account Account, PorticoUser Submitter, Request Own, Request Shared, Request OthersPrivate);

    /// The submitter has one private request; a colleague has one shared and one private request.
    private async Task<Setup> SetUpAsync()
    {
        var account = await app.CreateAccountAsync();
        var submitter = await app.CreateMemberAsync(account, BuiltInRoles.Requester);
        var colleague = await app.CreateMemberAsync(account, BuiltInRoles.Requester);
        var type = await app.CreateRequestTypeAsync();
        var own = await app.CreateRequestAsync(account, submitter, type, "Own private " + PorticoApp.Unique());
        var shared = await app.CreateRequestAsync(account, colleague, type, "Colleague shared " + PorticoApp.Unique(), shared: true);
        var othersPrivate = await app.CreateRequestAsync(account, colleague, type, "Colleague private " + PorticoApp.Unique());
        return new Setup(account, submitter, own, shared, othersPrivate);
    }

    private async Task<PorticoClient> MemberAsync(Setup s, string role)
    {
        var user = await app.CreateUserAsync();
        await app.AddMemberAsync(s.Account, user, role);
        return await app.SignInAsync(user);
    }

    private static async Task<HashSet<Guid>> ListedOnPageAsync(PorticoClient client, Guid accountId) =>
        LinkedRequestIds(await client.GetPageAsync($"/a/{accountId}/requests"), "[data-testid=request-row]", $"/a/{accountId}/requests/");

    private static async Task<HashSet<Guid>> ListedInApiAsync(PorticoClient client, Guid accountId)
    {
        var list = await client.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/accounts/{accountId}/requests", UriKind.Relative));
        return list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToHashSet();
    }

    private async Task AssertSeesExactlyAsync(PorticoClient client, Setup s, params Request[] visible)
    {
        var expected = visible.Select(r => r.Id).ToHashSet();
        SameRequests(expected, await ListedOnPageAsync(client, s.Account.Id));
        SameRequests(expected, await ListedInApiAsync(client, s.Account.Id));
        foreach (var request in new[] { s.Own, s.Shared, s.OthersPrivate })
        {
            var shouldSee = expected.Contains(request.Id);
            var want = shouldSee ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            var page = await client.Http.GetAsync(new Uri(CustomerPath(s.Account.Id, request.Id), UriKind.Relative));
            Assert.Equal(want, page.StatusCode);
            var api = await client.Http.GetAsync(new Uri($"/api/accounts/{s.Account.Id}/requests/{request.Id}", UriKind.Relative));
            Assert.Equal(want, api.StatusCode);
            var attachmentId = await app.WithDbAsync((db, _) => db.RequestAttachments.Where(a => a.RequestId == request.Id).Select(a => a.Id).SingleAsync());
            var file = await client.Http.GetAsync(new Uri($"{CustomerPath(s.Account.Id, request.Id)}/files/{attachmentId}", UriKind.Relative));
            Assert.Equal(want, file.StatusCode);
            if (!shouldSee)
            {
                Assert.DoesNotContain(request.Subject, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.DoesNotContain(request.Subject, await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_requester_sees_own_and_shared_requests_but_not_a_colleagues_private_one()
    {
        var s = await SetUpAsync();
        using var client = await app.SignInAsync(s.Submitter);

        await AssertSeesExactlyAsync(client, s, s.Own, s.Shared);

        var search = await client.GetPageAsync($"/a/{s.Account.Id}/requests?q={Uri.EscapeDataString(s.OthersPrivate.Subject)}");
        Assert.Empty(search.QuerySelectorAll("[data-testid=request-row]"));
        var reply = await client.Http.PostAsJsonAsync(new Uri($"/api/accounts/{s.Account.Id}/requests/{s.OthersPrivate.Id}/replies", UriKind.Relative), new { body = "Let me in" });
        Assert.Equal(HttpStatusCode.NotFound, reply.StatusCode);
        Assert.Equal(0, await app.MessageCountAsync(s.OthersPrivate.Id));
    }

    [Fact]
    public async Task An_owner_sees_every_request_in_the_account()
    {
        var s = await SetUpAsync();
        using var client = await MemberAsync(s, BuiltInRoles.Owner);

        await AssertSeesExactlyAsync(client, s, s.Own, s.Shared, s.OthersPrivate);
    }

    [Fact]
    public async Task An_auditor_sees_every_request_in_the_account()
    {
        var s = await SetUpAsync();
        using var client = await MemberAsync(s, BuiltInRoles.Auditor);

        await AssertSeesExactlyAsync(client, s, s.Own, s.Shared, s.OthersPrivate);
    }

    [Fact]
    public async Task A_viewer_sees_shared_requests_but_cannot_submit_or_reply()
    {
        var s = await SetUpAsync();
        using var client = await MemberAsync(s, BuiltInRoles.Viewer);

        await AssertSeesExactlyAsync(client, s, s.Shared);

        var detail = await client.GetPageAsync(CustomerPath(s.Account.Id, s.Shared.Id));
        Assert.Null(detail.QuerySelector("textarea[name=Body]"));
        var reply = await client.PostMultipartAsync($"{CustomerPath(s.Account.Id, s.Shared.Id)}?handler=Reply", detail, [Field("Body", "A viewer writes")]);
        Assert.Equal(HttpStatusCode.Forbidden, reply.StatusCode);
        Assert.Equal("Your role can read requests but not reply to them.", await ActionErrorAsync(reply));
        var apiReply = await client.Http.PostAsJsonAsync(new Uri($"/api/accounts/{s.Account.Id}/requests/{s.Shared.Id}/replies", UriKind.Relative), new { body = "A viewer writes" });
        Assert.Equal(HttpStatusCode.Forbidden, apiReply.StatusCode);
        Assert.Equal(0, await app.MessageCountAsync(s.Shared.Id));

        var newPage = await client.Http.GetAsync(new Uri(NewPath(s.Account.Id), UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, newPage.StatusCode);
        var apiCreate = await client.Http.PostAsJsonAsync(new Uri($"/api/accounts/{s.Account.Id}/requests", UriKind.Relative),
            new { typeId = s.Shared.TypeId, subject = "A viewer submits" });
        Assert.Equal(HttpStatusCode.Forbidden, apiCreate.StatusCode);
        Assert.Equal(3, await app.RequestCountAsync(s.Account.Id));
    }

    [Fact]
    public async Task Sharing_a_private_request_shows_it_to_colleagues_and_only_the_submitter_or_an_owner_may_share()
    {
        var s = await SetUpAsync();
        using var submitter = await app.SignInAsync(s.Submitter);
        using var viewer = await MemberAsync(s, BuiltInRoles.Viewer);
        Assert.DoesNotContain(s.Own.Id, await ListedOnPageAsync(viewer, s.Account.Id));

        var share = await submitter.CustomerPostAsync(s.Account.Id, s.Own.Id, "Share", [Field("shared", "true")]);

        Assert.Equal(HttpStatusCode.Redirect, share.StatusCode);
        Assert.Contains(s.Own.Id, await ListedOnPageAsync(viewer, s.Account.Id));
        Assert.True((await app.LoadRequestAsync(s.Own.Id)).SharedWithAccount);

        // A colleague who can see the shared request but did not submit it cannot make it private.
        using var colleague = await MemberAsync(s, BuiltInRoles.Requester);
        var refused = await colleague.CustomerPostAsync(s.Account.Id, s.Own.Id, "Share", [Field("shared", "false")]);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Only the person who submitted the request or an account owner can change who sees it.", await ActionErrorAsync(refused));
        Assert.True((await app.LoadRequestAsync(s.Own.Id)).SharedWithAccount);
    }
}
