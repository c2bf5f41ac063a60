using Portico.Features.Requests;
using static Portico.Tests.Billing.InvoiceSteps;

namespace Portico.Tests.Home;

/// The landing of a person with several accounts: each account with what waits on them there.
public sealed class AccountLandingTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task Each_account_shows_the_requests_and_overdue_invoices_waiting_on_the_person_as_far_as_their_role_shows_them()
    {
        var integration = await app.CreateIntegrationAsync();
        var owned = await app.CreateAccountAsync($"Landing A {PorticoApp.Unique()}");
        var requested = await app.CreateAccountAsync($"Landing B {PorticoApp.Unique()}");
        var quiet = await app.CreateAccountAsync($"Landing C {PorticoApp.Unique()}");
        var person = await app.CreateMemberAsync(owned, BuiltInRoles.Owner);
        await app.AddMemberAsync(requested, person, BuiltInRoles.Requester);
        await app.AddMemberAsync(quiet, person, BuiltInRoles.Owner);
        var type = await app.CreateRequestTypeAsync();
        async Task RequestAsync(PorticoUser submitter, RequestStatus status)
        {
            var request = await app.CreateRequestAsync(owned, submitter, type);
            await app.WithDbAsync(async db =>
            {
                (await db.Requests.AcrossAccounts().SingleAsync(r => r.Id == request.Id)).MoveTo(status, DateTime.UtcNow);
                await db.SaveChangesAsync();
            });
        }
        await RequestAsync(person, RequestStatus.WaitingOnCustomer);
        await RequestAsync(person, RequestStatus.Resolved);
        await RequestAsync(person, RequestStatus.InProgress);
        // Someone else's request waiting on them is not this person's.
        var colleague = await app.CreateUserAsync();
        await app.AddMemberAsync(owned, colleague, BuiltInRoles.Owner);
        await RequestAsync(colleague, RequestStatus.WaitingOnCustomer);
        await app.AddInvoiceAsync(owned, integration, "LAND-" + PorticoApp.Unique(), "EUR", 1_000, dueInDays: -3);
        await app.AddInvoiceAsync(owned, integration, "LAND-" + PorticoApp.Unique(), "EUR", 1_000, dueInDays: 5);
        // A Requester does not see invoices, so an overdue one there is not counted for them.
        await app.AddInvoiceAsync(requested, integration, "LAND-" + PorticoApp.Unique(), "EUR", 1_000, dueInDays: -3);

        using var client = await app.SignInAsync(person);
        var page = await client.GetPageAsync("/");

        string Line(Account account) => string.Join(' ', page.QuerySelectorAll("[data-testid=account-choice]")
            .Single(li => li.QuerySelector($"a[href='/a/{account.Id}']") is not null)
            .TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"{owned.Name} as Owner 2 requests waiting on you 1 invoice overdue", Line(owned));
        Assert.Equal($"{requested.Name} as Requester Nothing waiting on you", Line(requested));
        Assert.Equal($"{quiet.Name} as Owner Nothing waiting on you", Line(quiet));
    }
}
