using System.Net.Http.Json;

namespace Portico.Tests.Contacts;

/// Changes to an account's people made in the portal, when an integration is the system of record for contacts and knows
/// the account: each waits for that source's acknowledgement as address changes do; a refusal or silence becomes an incident
/// and the customer sees the change did not go through. Which integration owns contacts is global, so this class is in the app collection.
public sealed class ContactWriteBackTests(PorticoApp app) : AppTests
{
    private static readonly ManageContacts.Actor Staff = new("Staff member", null);

    /// An owner of contacts, an account it knows with an Owner signed in, and a Requester on it.
    private async Task<(Integration Integration, HttpClient Client, Account Account, PorticoClient Customer, Membership Requester)> OwnedContactsAsync()
    {
        var (integration, client) = await app.OwnerAsync(SyncedObjectTypes.Contacts);
        var account = await app.CreateMappedAccountAsync();
        var owner = await app.CreateMemberAsync(account, BuiltInRoles.Owner);
        var requester = await app.AddMemberAsync(account, await app.CreateUserAsync(), BuiltInRoles.Requester);
        return (integration, client, account, await app.SignInAsync(owner), requester);
    }

    private Task<Outcome> ManageAsync(Func<ManageContacts, Task<Outcome>> change) =>
        app.WithDbAsync((_, services) => change(services.GetRequiredService<ManageContacts>()));

    private Task<Guid> RoleIdAsync(string role) => app.WithDbAsync((db, _) => db.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleAsync());

    private Task<List<WriteBack>> WriteBacksAsync(Account account) => app.WithDbAsync((db, _) =>
        db.WriteBacks.IgnoreQueryFilters().AsNoTracking().Where(w => w.AccountId == account.Id).OrderBy(w => w.SentAt).ToListAsync());

    private Task<DataQualityIncident?> IncidentAsync(Integration integration, Account account) => app.WithDbAsync((db, _) =>
        db.DataQualityIncidents.AsNoTracking().SingleOrDefaultAsync(i => i.IntegrationId == integration.Id && i.ObjectType == SyncedObjectTypes.Contacts
            && i.ExternalId == account.ExternalId));

    private static async Task<string?> ShownAsync(PorticoClient customer, Account account, string page = "contacts") =>
        (await customer.GetPageAsync($"/a/{account.Id}/{page}")).QuerySelector("[data-testid=write-back]")?.TextContent;

    [Fact]
    public async Task An_invitation_waits_for_the_source_that_owns_contacts_until_it_acknowledges_it()
    {
        var (integration, client, account, customer, _) = await OwnedContactsAsync();
        using var _c = client;
        using var _u = customer;
        var email = $"new-{PorticoApp.Unique()}@example.com";
        var viewer = await RoleIdAsync(BuiltInRoles.Viewer);

        Assert.Equal(OutcomeKind.Done, (await ManageAsync(m => m.InviteAsync(account.Id, email, viewer, null, Staff, CancellationToken.None))).Kind);

        var writeBack = Assert.Single(await WriteBacksAsync(account));
        Assert.Equal((SyncedObjectTypes.Contacts, account.ExternalId, WriteBackState.Waiting, integration.Id),
            (writeBack.ObjectType, writeBack.ExternalId, writeBack.State, writeBack.IntegrationId));
        Assert.Contains($"Waiting for {integration.Name} to take the change: Invite {email} as Viewer", await ShownAsync(customer, account), StringComparison.Ordinal);
        Assert.Null(await ShownAsync(customer, account, "company"));

        var (_, otherClient) = await app.CreateIntegrationWithKeyAsync();
        using var _o = otherClient;
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.AnswerWriteBackAsync(writeBack.Id, new { accepted = true })).StatusCode);
        Assert.Equal(WriteBackState.Waiting, Assert.Single(await WriteBacksAsync(account)).State);

        await OkAsync(await client.AnswerWriteBackAsync(writeBack.Id, new { accepted = true }));
        Assert.Equal(WriteBackState.Acknowledged, Assert.Single(await WriteBacksAsync(account)).State);
        Assert.Null(await ShownAsync(customer, account));
        Assert.Null(await IncidentAsync(integration, account));
    }

    [Fact]
    public async Task A_refused_role_change_and_an_unanswered_removal_become_incidents_and_the_customer_sees_they_did_not_go_through()
    {
        var (integration, client, account, customer, requester) = await OwnedContactsAsync();
        using var _c = client;
        using var _u = customer;
        var reason = "Contacts are changed in the CRM only " + PorticoApp.Unique();

        var viewer = await RoleIdAsync(BuiltInRoles.Viewer);
        Assert.Equal(OutcomeKind.Done, (await app.WithDbAsync((_, services) =>
            services.GetRequiredService<ChangeMembershipRole>().RunAsync(account.Id, requester.Id, viewer, CancellationToken.None))).Kind);
        var roleChange = Assert.Single(await WriteBacksAsync(account));
        Assert.Contains("the Viewer role (was Requester)", roleChange.Summary, StringComparison.Ordinal);
        await OkAsync(await client.AnswerWriteBackAsync(roleChange.Id, new { accepted = false, reason }));

        Assert.Contains(reason, (await IncidentAsync(integration, account))!.Problem, StringComparison.Ordinal);
        Assert.Contains("did not go through", await ShownAsync(customer, account), StringComparison.Ordinal);
        Assert.Contains("refused it", await ShownAsync(customer, account), StringComparison.Ordinal);

        Assert.Equal(OutcomeKind.Done, (await ManageAsync(m => m.RemoveAsync(account.Id, requester.Id, Staff, CancellationToken.None))).Kind);
        var removal = (await WriteBacksAsync(account)).Last();
        Assert.Equal((WriteBackState.Waiting, true), (removal.State, removal.Summary.StartsWith("Remove ", StringComparison.Ordinal)));
        await app.WithDbAsync(db => db.WriteBacks.IgnoreQueryFilters().Where(w => w.Id == removal.Id).ExecuteUpdateAsync(u => u.SetProperty(w => w.DueBy, DateTime.UtcNow.AddMinutes(-1))));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await WriteBacksAsync(account)).Last().State == WriteBackState.Waiting)
        {
            Assert.True(DateTime.UtcNow < deadline, "The removal was never given up on.");
            await Task.Delay(100);
        }
        var incident = await IncidentAsync(integration, account);
        Assert.True(incident is { IsOpen: true, Occurrences: 2 });
        Assert.Contains("did not acknowledge", incident!.Problem, StringComparison.Ordinal);
        Assert.Contains("did not confirm it in time", await ShownAsync(customer, account), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contact_changes_wait_for_nobody_when_no_source_owns_contacts_or_the_owner_does_not_know_the_account()
    {
        var (_, client) = await app.OwnerAsync(SyncedObjectTypes.Contacts);
        using var _c = client;
        var (unmapped, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var viewer = await RoleIdAsync(BuiltInRoles.Viewer);
        await ManageAsync(m => m.InviteAsync(unmapped.Id, $"a-{PorticoApp.Unique()}@example.com", viewer, null, Staff, CancellationToken.None));
        Assert.Empty(await WriteBacksAsync(unmapped));

        await app.WithDbAsync(db => db.SystemsOfRecord.Where(s => s.ObjectType == SyncedObjectTypes.Contacts).ExecuteDeleteAsync());
        var mapped = await app.CreateMappedAccountAsync();
        await ManageAsync(m => m.InviteAsync(mapped.Id, $"b-{PorticoApp.Unique()}@example.com", viewer, null, Staff, CancellationToken.None));
        Assert.Empty(await WriteBacksAsync(mapped));
    }
}
