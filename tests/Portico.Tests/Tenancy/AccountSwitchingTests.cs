namespace Portico.Tests.Tenancy;

public sealed class AccountSwitchingTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task A_person_in_two_accounts_sees_each_accounts_contacts_only_in_that_account()
    {
        var first = await app.CreateAccountAsync();
        var second = await app.CreateAccountAsync();
        var person = await app.CreateMemberAsync(first, BuiltInRoles.Owner);
        var firstColleague = await app.CreateMemberAsync(first, BuiltInRoles.Viewer);
        var secondColleague = await app.CreateMemberAsync(second, BuiltInRoles.Viewer);
        await app.AddMemberAsync(second, person, BuiltInRoles.Requester);
        using var client = await app.SignInAsync(person);

        var firstPage = await client.GetPageAsync($"/a/{first.Id}/contacts");
        var secondPage = await client.GetPageAsync($"/a/{second.Id}/contacts");

        var firstEmails = firstPage.QuerySelectorAll("[data-testid=contact]").Select(r => r.TextContent).ToList();
        var secondEmails = secondPage.QuerySelectorAll("[data-testid=contact]").Select(r => r.TextContent).ToList();
        Assert.Contains(firstEmails, r => r.Contains(firstColleague.Email!, StringComparison.Ordinal));
        Assert.DoesNotContain(firstEmails, r => r.Contains(secondColleague.Email!, StringComparison.Ordinal));
        Assert.Contains(secondEmails, r => r.Contains(secondColleague.Email!, StringComparison.Ordinal));
        Assert.DoesNotContain(secondEmails, r => r.Contains(firstColleague.Email!, StringComparison.Ordinal));
        Assert.Contains(first.Name, firstPage.QuerySelector("[data-testid=active-account]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_switcher_lists_only_active_memberships_and_switches_with_an_audit_event()
    {
        var current = await app.CreateAccountAsync();
        var expired = await app.CreateAccountAsync();
        var person = await app.CreateMemberAsync(current, BuiltInRoles.Owner);
        await app.AddMemberAsync(expired, person, BuiltInRoles.Owner, DateTime.UtcNow.AddDays(-1));
        using var client = await app.SignInAsync(person);

        var page = await client.GetPageAsync($"/a/{current.Id}");
        var options = page.QuerySelectorAll("#account-switch option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Contains(current.Id.ToString(), options);
        Assert.DoesNotContain(expired.Id.ToString(), options);

        var switched = await client.PostFormAsync("/switch-account", page, new Dictionary<string, string> { ["accountId"] = current.Id.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal($"/a/{current.Id}", switched.Headers.Location!.OriginalString);
        var audited = await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.AccountSwitched && e.AccountId == current.Id && e.ActorUserId == person.Id));
        Assert.True(audited);
    }

    [Fact]
    public async Task Switching_to_a_forged_account_id_answers_404_and_is_audited()
    {
        var (own, person) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var (other, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var client = await app.SignInAsync(person);
        var page = await client.GetPageAsync($"/a/{own.Id}");

        foreach (var forged in new[] { other.Id.ToString(), "not-a-guid", "" })
        {
            var response = await client.PostFormAsync("/switch-account", page, new Dictionary<string, string> { ["accountId"] = forged });
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        var denied = await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.AccessDenied && e.ActorUserId == person.Id));
        Assert.Equal(3, denied);
    }

    [Fact]
    public async Task Account_owned_queries_return_nothing_when_no_account_was_verified()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();

        Assert.Equal(0, await db.Memberships.CountAsync(m => m.AccountId == account.Id));

        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterAccountWithoutMember(account.Id);
        var visible = await db.Memberships.Select(m => m.AccountId).Distinct().ToListAsync();
        Assert.Equal([account.Id], visible);
        Assert.NotNull(user);
    }
}
