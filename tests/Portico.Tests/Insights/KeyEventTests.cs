namespace Portico.Tests.Insights;

public sealed class KeyEventTests(PorticoApp app) : AppTests
{
    private Task<List<KeyEvent>> EventsAsync(Guid accountId) =>
        app.WithDbAsync((db, _) => db.KeyEvents.AcrossAccounts().Where(e => e.AccountId == accountId).OrderBy(e => e.Id).ToListAsync());

    [Fact]
    public async Task A_sign_in_counts_once_in_each_account_the_person_belongs_to()
    {
        var (first, user) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var second = await app.CreateAccountAsync();
        await app.AddMemberAsync(second, user, BuiltInRoles.Requester);

        using var client = await app.SignInAsync(user);

        foreach (var account in new[] { first, second })
        {
            var signIn = Assert.Single(await EventsAsync(account.Id));
            Assert.Equal((KeyEventKind.SignIn, user.Id, Channel.Portal), (signIn.Kind, signIn.PersonId, signIn.Channel));
        }
    }

    [Fact]
    public async Task Viewing_an_invoice_and_an_order_and_submitting_a_request_are_recorded_in_the_portal_channel()
    {
        var integration = await app.CreateIntegrationAsync();
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync(role: BuiltInRoles.Owner);
        var invoice = await app.CreateInvoiceAsync(account, integration);
        var order = await app.CreateOrderAsync(account, integration);
        using var client = await app.SignInAsync(user);

        await client.GetPageAsync($"/a/{account.Id}/invoices/{invoice.Id}");
        await client.GetPageAsync($"/a/{account.Id}/orders/{order.Id}");
        await client.SubmitAsync(account.Id, type.Id, "Where is my order?");

        var events = (await EventsAsync(account.Id)).Where(e => e.Kind != KeyEventKind.SignIn).ToList();
        Assert.Equal([KeyEventKind.InvoiceViewed, KeyEventKind.OrderViewed, KeyEventKind.RequestCreated], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal((user.Id, Channel.Portal), (e.PersonId, e.Channel)));
    }

    [Fact]
    public async Task Another_accounts_invoice_records_nothing()
    {
        var integration = await app.CreateIntegrationAsync();
        var (other, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var invoice = await app.CreateInvoiceAsync(other, integration);
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);

        var response = await client.Http.GetAsync(new Uri($"/a/{account.Id}/invoices/{invoice.Id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await EventsAsync(other.Id));
        Assert.DoesNotContain(await EventsAsync(account.Id), e => e.Kind == KeyEventKind.InvoiceViewed);
    }
}
