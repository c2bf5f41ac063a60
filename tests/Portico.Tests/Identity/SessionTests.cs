using System.Net;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Tests.Infrastructure;

namespace Portico.Tests.Identity;

[Collection(AppCollection.Name)]
public sealed class SessionTests(PorticoApp app)
{
    [Fact]
    public async Task A_person_sees_their_sessions_and_ends_the_others_which_are_signed_out_at_once()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var laptop = await app.SignInAsync(user);
        using var phone = await app.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await phone.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);

        var page = await laptop.GetPageAsync("/account/sessions");
        Assert.Equal(2, page.QuerySelectorAll("[data-testid=session]").Length);
        Assert.Single(page.QuerySelectorAll("[data-testid=session]"), r => r.TextContent.Contains("This browser", StringComparison.Ordinal));
        // The cookie carries only a key; the ticket is stored encrypted.
        var tickets = await app.WithDbAsync((db, _) => db.UserSessions.Where(s => s.UserId == user.Id).Select(s => s.Ticket).ToListAsync());
        Assert.Equal(2, tickets.Count);
        Assert.All(tickets, t => Assert.DoesNotContain(user.Email!, System.Text.Encoding.UTF8.GetString(t), StringComparison.Ordinal));

        var ended = await laptop.PostFormAsync("/account/sessions?handler=End", page, new Dictionary<string, string> { ["others"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        var phoneAfter = await phone.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, phoneAfter.StatusCode);
        Assert.StartsWith("/login", phoneAfter.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await laptop.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var client = await app.SignInAsync(user);
        var page = await client.GetPageAsync($"/a/{account.Id}");
        var sessionsBefore = await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == user.Id && s.RevokedAt == null));
        Assert.Equal(1, sessionsBefore);

        var logout = await client.PostFormAsync("/logout", page, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.UserSessions.CountAsync(s => s.UserId == user.Id && s.RevokedAt == null)));
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
    }
}
