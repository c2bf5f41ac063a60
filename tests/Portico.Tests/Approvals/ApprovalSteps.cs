namespace Portico.Tests.Approvals;

/// Shared steps of the approval tests: asking for changes through the real forms and reading what was stored.
internal static class ApprovalSteps
{
    public static Task<Guid> RoleIdAsync(this PorticoApp app, string name) =>
        app.WithDbAsync((db, _) => db.Roles.Where(r => r.Name == name).Select(r => r.Id).SingleAsync());

    public static Task<string> RoleOfAsync(this PorticoApp app, Guid membershipId) =>
        app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.Id == membershipId).Select(m => m.Role.Name).SingleAsync());

    public static Task<List<ChangeRequest>> ChangesAsync(this PorticoApp app, Guid accountId) =>
        app.WithDbAsync((db, _) => db.ChangeRequests.Where(c => c.AccountId == accountId).ToListAsync());

    public static Task<ChangeRequest> ChangeAsync(this PorticoApp app, Guid changeId) =>
        app.WithDbAsync((db, _) => db.ChangeRequests.SingleAsync(c => c.Id == changeId));

    public static Task<int> AuditCountAsync(this PorticoApp app, string action, string targetId) =>
        app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == action && e.TargetId == targetId));

    public static Task SetAccountManagerAsync(this PorticoApp app, Guid accountId, Guid? staffId) => app.WithDbAsync(async db =>
    {
        var account = await db.Accounts.SingleAsync(a => a.Id == accountId);
        account.AssignManager(staffId);
        await db.SaveChangesAsync();
    });

    public static Task<HttpResponseMessage> ChangeRoleAsync(this PorticoClient client, Guid accountId, Guid membershipId, Guid roleId) =>
        client.SubmitAsync($"/a/{accountId}/contacts", new Dictionary<string, string>
        {
            ["membershipId"] = membershipId.ToString(),
            ["roleId"] = roleId.ToString(),
        }, "Role");

    public static Task<HttpResponseMessage> RequestAddressAsync(this PorticoClient client, Guid accountId, string lines, string city = "Lyon",
        string postalCode = "69002", string country = "France") =>
        client.SubmitAsync($"/a/{accountId}/company", new Dictionary<string, string>
        {
            ["Form.Lines"] = lines,
            ["Form.City"] = city,
            ["Form.PostalCode"] = postalCode,
            ["Form.Country"] = country,
        }, "Address");

    /// Posts a decision from the given approvals page (customer /a/{id}/approvals or staff /staff/approvals).
    public static async Task<HttpResponseMessage> DecideAsync(this PorticoClient client, string page, string handler, Guid changeId, string? reason = null)
    {
        var html = await client.GetPageAsync(page);
        var fields = new Dictionary<string, string> { ["changeId"] = changeId.ToString() };
        if (reason is not null)
        {
            fields["reason"] = reason;
        }
        return await client.PostFormAsync($"{page}?handler={handler}", html, fields);
    }

    /// An account with an Owner who asks, and a Viewer whose role they change.
    public static async Task<(Account Account, Features.Identity.PorticoUser Owner, Membership Person)> AccountWithViewerAsync(this PorticoApp app)
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var person = await app.CreateUserAsync();
        var membership = await app.AddMemberAsync(account, person, BuiltInRoles.Viewer);
        return (account, owner, membership);
    }

    /// The signed-in Owner asks to make the Viewer an Owner: the one change then waiting for approval.
    public static async Task<ChangeRequest> AskToMakeOwnerAsync(this PorticoApp app, PorticoClient ownerClient, Account account, Membership person)
    {
        Redirected(await ownerClient.ChangeRoleAsync(account.Id, person.Id, await app.RoleIdAsync(BuiltInRoles.Owner)));
        return Assert.Single(await app.ChangesAsync(account.Id));
    }

    /// A second Owner of the account, who asked for nothing.
    public static async Task<Features.Identity.PorticoUser> AddOwnerAsync(this PorticoApp app, Account account)
    {
        var coOwner = await app.CreateMemberAsync(account, BuiltInRoles.Owner);
        return coOwner;
    }

    /// The Owner asks for the Viewer to become Billing and for a new address; both changes wait for approval.
    public static async Task<(ChangeRequest RoleChange, ChangeRequest AddressChange)> AskForBillingAndAddressAsync(
        this PorticoClient ownerClient, PorticoApp app, Guid accountId, Guid membershipId, string addressLines)
    {
        Redirected(await ownerClient.ChangeRoleAsync(accountId, membershipId, await app.RoleIdAsync(BuiltInRoles.Billing)));
        Redirected(await ownerClient.RequestAddressAsync(accountId, addressLines));
        var changes = await app.ChangesAsync(accountId);
        return (changes.Single(c => c.Type == ChangeTypes.RoleChange), changes.Single(c => c.Type == ChangeTypes.Address));
    }

    public static void Redirected(HttpResponseMessage response) => Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
}
