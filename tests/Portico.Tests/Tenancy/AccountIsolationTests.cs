using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portico.Features.Accounts;
using Portico.Tests.Infrastructure;

namespace Portico.Tests.Tenancy;

/// Every route that takes an account id is listed here with the permission it needs. The
/// coverage test fails when a route is added without a row, so isolation is never assumed.
[Collection(AppCollection.Name)]
public sealed class AccountIsolationTests(PorticoApp app)
{
    public static readonly TheoryData<string, string> AccountRoutes = new()
    {
        { "a/{accountId:guid}", Permissions.AccountView },
        { "a/{accountId:guid}/contacts", Permissions.ContactsView },
        { "a/{accountId:guid}/audit", Permissions.AuditView },
        { "api/accounts/{accountId:guid}/memberships", Permissions.ContactsView },
    };

    [Fact]
    public void Every_account_route_is_covered_by_the_isolation_tests()
    {
        var sources = app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        var routes = sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.Parameters.Any(p => p.Name == "accountId"))
            .Select(e => e.RoutePattern.RawText!.Trim('/'))
            .ToHashSet();
        var covered = AccountRoutes.Select(row => (string)row[0]).ToHashSet();
        Assert.NotEmpty(routes);
        Assert.Empty(routes.Except(covered));
        Assert.Empty(covered.Except(routes));
    }

    private static string Url(string pattern, Guid accountId) => "/" + pattern.Replace("{accountId:guid}", accountId.ToString(), StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task A_member_with_the_permission_sees_their_own_account(string pattern, string permission)
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        Assert.Contains(permission, Permissions.All);
        using var client = await app.SignInAsync(user);

        var response = await client.Http.GetAsync(new Uri(Url(pattern, account.Id), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(body.Contains(account.Name, StringComparison.Ordinal) || body.Contains(user.Email!, StringComparison.Ordinal),
            "The page should show the account's own data.");
    }

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task A_member_of_another_account_gets_404_and_none_of_its_data(string pattern, string permission)
    {
        var (victim, victimUser) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var (_, intruder) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var client = await app.SignInAsync(intruder);

        var response = await client.Http.GetAsync(new Uri(Url(pattern, victim.Id), UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(victim.Name, body, StringComparison.Ordinal);
        Assert.DoesNotContain(victimUser.Email!, body, StringComparison.Ordinal);
        Assert.NotNull(permission);
    }

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task A_member_without_the_permission_gets_nothing(string pattern, string permission)
    {
        var account = await app.CreateAccountAsync();
        var owner = await app.CreateUserAsync();
        await app.AddMemberAsync(account, owner, BuiltInRoles.Owner);
        var roleName = "All but " + permission + " " + PorticoApp.Unique();
        await app.WithDbAsync(async db =>
        {
            db.Roles.Add(new Role(roleName, "test", Permissions.All.Where(p => p != permission)));
            await db.SaveChangesAsync();
        });
        var user = await app.CreateUserAsync();
        await app.AddMemberAsync(account, user, roleName);
        using var client = await app.SignInAsync(user);

        var response = await client.Http.GetAsync(new Uri(Url(pattern, account.Id), UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(owner.Email!, body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task A_member_whose_access_expired_gets_404(string pattern, string permission)
    {
        var account = await app.CreateAccountAsync();
        var user = await app.CreateUserAsync();
        await app.AddMemberAsync(account, user, BuiltInRoles.Owner, expiresAt: DateTime.UtcNow.AddMinutes(-1));
        using var client = await app.SignInAsync(user);

        var response = await client.Http.GetAsync(new Uri(Url(pattern, account.Id), UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(account.Name, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(permission);
    }

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task Staff_do_not_reach_customer_routes_directly(string pattern, string permission)
    {
        var (account, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var staff = await app.CreateUserAsync(staffRole: Features.Identity.StaffRole.Admin);
        using var client = await app.SignInAsync(staff);

        var response = await client.Http.GetAsync(new Uri(Url(pattern, account.Id), UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotNull(permission);
    }

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task Anonymous_visitors_are_sent_to_sign_in(string pattern, string permission)
    {
        var (account, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var client = app.Anonymous();

        var response = await client.Http.GetAsync(new Uri(Url(pattern, account.Id), UriKind.Relative));

        if (pattern.StartsWith("api/", StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
        Assert.NotNull(permission);
    }
}
