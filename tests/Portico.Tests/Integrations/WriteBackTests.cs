using System.Net.Http.Json;

namespace Portico.Tests.Integrations;

/// A change made in the portal to an account a system of record owns waits for that source to take it; a refusal or
/// silence becomes an incident for staff and the customer sees it did not go through.
/// Which integration owns accounts is global, so this class is in the app collection.
public sealed class WriteBackTests(PorticoApp app) : AppTests
{
    /// An owner of accounts, a customer on an account it knows, and the customer's address change applied as an approval would.
    private async Task<(Integration Integration, HttpClient Client, Account Account, PorticoClient Customer, WriteBack WriteBack)> ChangedAddressAsync()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(SyncedObjectTypes.Accounts);
        var user = await app.CreateUserAsync();
        await app.AddMemberAsync(account, user, BuiltInRoles.Owner);
        var street = "7 Rue " + PorticoApp.Unique();
        await app.WithDbAsync(async (db, services) =>
        {
            var stored = await db.Accounts.SingleAsync(a => a.Id == account.Id);
            await services.GetRequiredService<ChangeCompanyAddress>().ApplyAsync(stored, new CompanyAddress(street, "Lyon", "69002", "France"), null, CancellationToken.None);
            await db.SaveChangesAsync();
            return 0;
        });
        var writeBack = await app.WithDbAsync((db, _) => db.WriteBacks.IgnoreQueryFilters().AsNoTracking().SingleAsync(w => w.AccountId == account.Id));
        return (integration, client, account, await app.SignInAsync(user), writeBack);
    }

    private Task<WriteBack> ReloadAsync(Guid id) => app.WithDbAsync((db, _) => db.WriteBacks.IgnoreQueryFilters().AsNoTracking().SingleAsync(w => w.Id == id));

    private Task<DataQualityIncident?> IncidentAsync(Guid integrationId, string externalId) => app.WithDbAsync((db, _) =>
        db.DataQualityIncidents.AsNoTracking().SingleOrDefaultAsync(i => i.IntegrationId == integrationId && i.ObjectType == SyncedObjectTypes.Accounts && i.ExternalId == externalId));

    [Fact]
    public async Task An_address_change_waits_for_the_source_until_it_acknowledges_it()
    {
        var (integration, client, account, customer, writeBack) = await ChangedAddressAsync();
        using var _ = client;
        using var __ = customer;

        Assert.Equal((WriteBackState.Waiting, account.ExternalId), (writeBack.State, writeBack.ExternalId));
        var waiting = await customer.GetPageAsync($"/a/{account.Id}/company");
        Assert.Contains($"Waiting for {integration.Name}", waiting.QuerySelector("[data-testid=write-back]")!.TextContent, StringComparison.Ordinal);

        var answer = await OkAsync(await client.AnswerWriteBackAsync(writeBack.Id, new { accepted = true }));

        Assert.Equal("Acknowledged", answer.GetProperty("state").GetString());
        Assert.Equal(WriteBackState.Acknowledged, (await ReloadAsync(writeBack.Id)).State);
        Assert.Null((await customer.GetPageAsync($"/a/{account.Id}/company")).QuerySelector("[data-testid=write-back]"));
        Assert.Equal(HttpStatusCode.Conflict, (await client.AnswerWriteBackAsync(writeBack.Id, new { accepted = false, reason = "late" })).StatusCode);
        Assert.Null(await IncidentAsync(integration.Id, account.ExternalId!));
    }

    [Fact]
    public async Task A_refused_change_becomes_an_incident_and_the_customer_sees_it_did_not_go_through()
    {
        var (integration, client, account, customer, writeBack) = await ChangedAddressAsync();
        using var _ = client;
        using var __ = customer;
        var reason = "Postal code does not match the city " + PorticoApp.Unique();

        await OkAsync(await client.AnswerWriteBackAsync(writeBack.Id, new { accepted = false, reason }));

        Assert.Equal((WriteBackState.Refused, reason), ((await ReloadAsync(writeBack.Id)).State, (await ReloadAsync(writeBack.Id)).Reason));
        var incident = await IncidentAsync(integration.Id, account.ExternalId!);
        Assert.True(incident is { IsOpen: true });
        Assert.Contains(reason, incident!.Problem, StringComparison.Ordinal);
        var page = await customer.GetPageAsync($"/a/{account.Id}/company");
        Assert.Contains("did not go through", page.QuerySelector("[data-testid=write-back]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_with_no_answer_in_time_becomes_an_incident()
    {
        var (integration, client, account, customer, writeBack) = await ChangedAddressAsync();
        using var _ = client;
        using var __ = customer;

        await app.WithDbAsync(db => db.WriteBacks.IgnoreQueryFilters().Where(w => w.Id == writeBack.Id).ExecuteUpdateAsync(u => u.SetProperty(w => w.DueBy, DateTime.UtcNow.AddMinutes(-1))));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await ReloadAsync(writeBack.Id)).State == WriteBackState.Waiting)
        {
            Assert.True(DateTime.UtcNow < deadline, "The change was never given up on.");
            await Task.Delay(100);
        }

        Assert.Equal(WriteBackState.TimedOut, (await ReloadAsync(writeBack.Id)).State);
        Assert.Contains("did not acknowledge", (await IncidentAsync(integration.Id, account.ExternalId!))!.Problem, StringComparison.Ordinal);
        Assert.Contains("did not confirm it in time", (await customer.GetPageAsync($"/a/{account.Id}/company")).QuerySelector("[data-testid=write-back]")!.TextContent,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_acknowledgement_for_a_change_that_does_not_exist_or_belongs_to_another_integration_is_refused_and_changes_nothing()
    {
        var (_, client, _, customer, writeBack) = await ChangedAddressAsync();
        using var _ = client;
        using var __ = customer;
        var (_, otherClient) = await app.CreateIntegrationWithKeyAsync();
        using var ___ = otherClient;

        var foreign = await otherClient.AnswerWriteBackAsync(writeBack.Id, new { accepted = false, reason = "not mine" });
        var unknown = await client.AnswerWriteBackAsync(Guid.NewGuid(), new { accepted = true });
        var malformed = await client.AnswerWriteBackAsync("not-an-id", new { accepted = true });
        var noAnswer = await client.AnswerWriteBackAsync(writeBack.Id, new { reason = "?" });
        var noReason = await client.AnswerWriteBackAsync(writeBack.Id, new { accepted = false });

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest),
            (foreign.StatusCode, unknown.StatusCode, malformed.StatusCode, noAnswer.StatusCode, noReason.StatusCode));
        Assert.Contains("was sent to this integration", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(WriteBackState.Waiting, (await ReloadAsync(writeBack.Id)).State);
    }
}
