namespace Portico.Tests.Requests;

/// The requester's satisfaction rating of a resolved request: given once, by the requester only, from the page the
/// resolved email links to.
public sealed class RequestRatingTests(PorticoApp app) : AppTests
{
    private sealed record Setup(Account Account, PorticoUser Requester, PorticoClient Customer, PorticoClient Staff, Guid RequestId, string Subject) : IDisposable
    {
        public void Dispose()
        {
            Customer.Dispose();
            Staff.Dispose();
        }
    }

    /// A request the requester submitted, shared with the account, which its agent resolved.
    private async Task<Setup> ResolvedAsync()
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync();
        var customer = await app.SignInAsync(user);
        var staff = await app.SignInAsync(agent);
        var subject = "Rating " + PorticoApp.Unique();
        var id = await customer.SubmitAsync(account.Id, type.Id, subject, shared: true);
        await staff.StaffMoveAsync(id, RequestStatus.Resolved);
        return new Setup(account, user, customer, staff, id, subject);
    }

    private static Task<HttpResponseMessage> RateAsync(PorticoClient client, Guid accountId, Guid requestId, string? score, string comment = "",
        params KeyValuePair<string, string>[] extra) =>
        client.CustomerPostAsync(accountId, requestId, "Rate", [.. score is null ? [] : new[] { Field("Score", score) }, Field("Comment", comment), .. extra]);

    private Task<List<RequestRating>> RatingsAsync(Guid requestId) =>
        app.WithDbAsync((db, _) => db.RequestRatings.AsNoTracking().Where(r => r.RequestId == requestId).ToListAsync());

    private Task<int> RatedEventsAsync(Guid accountId) =>
        app.WithDbAsync((db, _) => db.KeyEvents.CountAsync(e => e.AccountId == accountId && e.Kind == KeyEventKind.RequestRated));

    [Fact]
    public async Task The_requester_rates_a_resolved_request_and_the_page_then_shows_the_rating_instead_of_the_form()
    {
        using var s = await ResolvedAsync();
        var page = await s.Customer.GetPageAsync(CustomerPath(s.Account.Id, s.RequestId));
        Assert.Equal(5, page.QuerySelectorAll("#rating input[type=radio][name=Score]").Length);

        var response = await RateAsync(s.Customer, s.Account.Id, s.RequestId, "4", "  Quick and kind.  ");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var rating = Assert.Single(await RatingsAsync(s.RequestId));
        Assert.Equal((4, "Quick and kind.", s.Requester.Id, s.Account.Id), (rating.Score, rating.Comment, rating.RatedById, rating.AccountId));
        Assert.Contains(AuditActions.RequestRated, await app.AuditActionsAsync(s.RequestId));
        Assert.Equal(1, await RatedEventsAsync(s.Account.Id));
        page = await s.Customer.GetPageAsync(CustomerPath(s.Account.Id, s.RequestId));
        Assert.Null(page.QuerySelector("input[name=Score]"));
        Assert.Equal("You rated this 4 of 5.", page.QuerySelector("[data-testid=rating]")?.TextContent.Trim());
        var staffPage = await s.Staff.GetPageAsync(StaffPath(s.RequestId));
        Assert.Equal("4 of 5", staffPage.QuerySelector("[data-testid=rating]")?.TextContent.Trim());
        Assert.Equal("Quick and kind.", staffPage.QuerySelector("[data-testid=rating-comment]")?.TextContent.Trim());
    }

    [Fact]
    public async Task A_second_rating_is_refused_with_a_message_and_the_first_stays()
    {
        using var s = await ResolvedAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(s.Customer, s.Account.Id, s.RequestId, "4", "Good")).StatusCode);

        var response = await RateAsync(s.Customer, s.Account.Id, s.RequestId, "1", "Changed my mind");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("You have already rated this request; a rating cannot be changed.", await ActionErrorAsync(response));
        var rating = Assert.Single(await RatingsAsync(s.RequestId));
        Assert.Equal((4, "Good"), (rating.Score, rating.Comment));
        Assert.Equal(1, await RatedEventsAsync(s.Account.Id));
    }

    [Theory]
    [InlineData("0", "Score", "Choose a rating from 1 to 5.")]
    [InlineData("6", "Score", "Choose a rating from 1 to 5.")]
    [InlineData("great", "Score", "Choose a rating from 1 to 5.")]
    [InlineData(null, "Score", "Choose a rating from 1 to 5.")]
    [InlineData("3", "Comment", "A comment can be at most 2,000 characters (this one has 2,001).")]
    public async Task A_rating_outside_one_to_five_or_a_too_long_comment_is_refused_with_a_message(string? score, string field, string message)
    {
        using var s = await ResolvedAsync();

        var response = await RateAsync(s.Customer, s.Account.Id, s.RequestId, score, field == "Comment" ? new string('x', 2001) : "");

        Assert.Equal(message, await PorticoClient.FieldErrorAsync(response, HttpStatusCode.UnprocessableEntity, field));
        Assert.Empty(await RatingsAsync(s.RequestId));
    }

    [Fact]
    public async Task Another_member_of_the_account_cannot_rate_the_request_they_can_see()
    {
        using var s = await ResolvedAsync();
        foreach (var role in new[] { BuiltInRoles.Requester, BuiltInRoles.Owner })
        {
            var other = await app.CreateUserAsync();
            await app.AddMemberAsync(s.Account, other, role);
            using var client = await app.SignInAsync(other);

            var response = await RateAsync(client, s.Account.Id, s.RequestId, "1");

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("Only the person who submitted this request can rate it.", await ActionErrorAsync(response));
        }
        Assert.Empty(await RatingsAsync(s.RequestId));
        Assert.Equal(0, await RatedEventsAsync(s.Account.Id));
    }

    [Fact]
    public async Task A_member_of_another_account_and_staff_cannot_rate_the_request()
    {
        using var s = await ResolvedAsync();
        var (otherAccount, stranger, strangerClient) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        var token = await strangerClient.GetPageAsync($"/a/{otherAccount.Id}/requests");

        var underOwnAccount = await strangerClient.PostMultipartAsync($"/a/{otherAccount.Id}/requests/{s.RequestId}?handler=Rate", token, [Field("Score", "1")]);
        var underTheirAccount = await strangerClient.PostMultipartAsync($"{CustomerPath(s.Account.Id, s.RequestId)}?handler=Rate", token, [Field("Score", "1")]);
        var staffToken = await s.Staff.GetPageAsync(StaffPath(s.RequestId));
        var byStaff = await s.Staff.PostMultipartAsync($"{CustomerPath(s.Account.Id, s.RequestId)}?handler=Rate", staffToken, [Field("Score", "1")]);

        Assert.Equal(HttpStatusCode.NotFound, underOwnAccount.StatusCode);
        Assert.Contains(underTheirAccount.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Forbidden });
        Assert.Contains(byStaff.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Forbidden });
        Assert.Empty(await RatingsAsync(s.RequestId));
        Assert.Equal(0, await RatedEventsAsync(s.Account.Id));
    }

    [Fact]
    public async Task A_posted_request_id_or_account_id_cannot_point_a_rating_at_another_request()
    {
        using var s = await ResolvedAsync();
        // A member of the same account and one of another account, each rating their own resolved request with the
        // victim's ids in the form: the rating lands on the request in the address, never on the victim's.
        var other = await app.CreateUserAsync();
        await app.AddMemberAsync(s.Account, other, BuiltInRoles.Requester);
        using var sameAccount = await app.SignInAsync(other);
        var type = await app.WithDbAsync((db, _) => db.Requests.Where(r => r.Id == s.RequestId).Select(r => r.TypeId).SingleAsync());
        var own = await sameAccount.SubmitAsync(s.Account.Id, type, "Own " + PorticoApp.Unique());
        await s.Staff.StaffMoveAsync(own, RequestStatus.Resolved);

        var response = await RateAsync(sameAccount, s.Account.Id, own, "2", "",
            Field("requestId", s.RequestId.ToString()), Field("accountId", s.Account.Id.ToString()));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Empty(await RatingsAsync(s.RequestId));
        Assert.Equal(other.Id, Assert.Single(await RatingsAsync(own)).RatedById);

        using var elsewhere = await ResolvedAsync();
        response = await RateAsync(elsewhere.Customer, elsewhere.Account.Id, elsewhere.RequestId, "5", "",
            Field("requestId", s.RequestId.ToString()), Field("accountId", s.Account.Id.ToString()));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Empty(await RatingsAsync(s.RequestId));
        Assert.NotEqual(s.Account.Id, elsewhere.Account.Id);
        Assert.Equal(elsewhere.Account.Id, Assert.Single(await RatingsAsync(elsewhere.RequestId)).AccountId);
    }

    [Fact]
    public async Task The_resolved_email_links_to_the_rating_form_and_opening_the_link_changes_nothing()
    {
        using var s = await ResolvedAsync();
        var mail = await app.WaitForMailAsync(s.Requester.Email!, m => m.Subject == $"[#1] Resolved: {s.Subject}");
        var path = $"{CustomerPath(s.Account.Id, s.RequestId)}#rating";
        Assert.Contains(path, mail.Text(), StringComparison.Ordinal);
        var audit = (await app.AuditActionsAsync(s.RequestId)).Count;

        // Browsers do not send the fragment; a score in the address must not count either.
        var page = await s.Customer.GetPageAsync(CustomerPath(s.Account.Id, s.RequestId) + "?Score=5");

        Assert.NotNull(page.QuerySelector("#rating form input[name=Score]"));
        Assert.Empty(await RatingsAsync(s.RequestId));
        Assert.Equal(audit, (await app.AuditActionsAsync(s.RequestId)).Count);
        Assert.Equal(0, await RatedEventsAsync(s.Account.Id));
    }
}
