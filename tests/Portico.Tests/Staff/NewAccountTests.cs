namespace Portico.Tests.Staff;

public sealed class NewAccountTests(PorticoApp app) : AppTests
{
    private static async Task<HttpResponseMessage> CreateAsync(PorticoClient client, string name, string ownerEmail) =>
        await client.PostFormAsync("/staff/accounts?handler=Create", await client.GetPageAsync("/staff/accounts"),
            new Dictionary<string, string> { ["name"] = name, ["ownerEmail"] = ownerEmail });

    private Task<bool> AccountExistsAsync(string name) => app.WithDbAsync((db, _) => db.Accounts.AnyAsync(a => a.Name == name));

    [Fact]
    public async Task An_admin_creates_an_account_and_its_owner_gets_an_invitation_that_makes_them_owner()
    {
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var name = "Tailspin " + PorticoApp.Unique();
        var owner = $"owner-{PorticoApp.Unique()}@example.com";

        var created = await CreateAsync(client, name, owner);

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var account = await app.WithDbAsync((db, _) => db.Accounts.SingleAsync(a => a.Name == name));
        Assert.Equal($"/staff/accounts/{account.Id}", created.Headers.Location!.OriginalString);
        Assert.Contains(owner, (await client.GetPageAsync($"/staff/accounts/{account.Id}")).Body!.TextContent, StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e =>
            e.Action == AuditActions.AccountCreated && e.AccountId == account.Id && e.ActorUserId == admin.Id)));

        // The invited person joins as the account's Owner.
        var link = await app.Mail.LinkAsync(owner, "/invitations/");
        using var invited = app.Anonymous();
        var page = await invited.GetPageAsync(link);
        var joined = await invited.PostFormAsync(link + "?handler=Register", page, new Dictionary<string, string>
        {
            ["Form.Name"] = "Olive Owner", ["Form.Password"] = PorticoApp.Password, ["Form.ConfirmPassword"] = PorticoApp.Password,
        });
        Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        Assert.Equal(BuiltInRoles.Owner, await app.WithDbAsync((db, _) =>
            db.Memberships.IgnoreQueryFilters().Where(m => m.AccountId == account.Id && m.User.Email == owner).Select(m => m.Role.Name).SingleAsync()));
    }

    [Fact]
    public async Task A_bad_owner_address_or_missing_name_creates_no_account()
    {
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var name = "Nowhere " + PorticoApp.Unique();

        var badEmail = await CreateAsync(client, name, "not an address");
        Assert.Contains("Enter the email address", await PorticoClient.ActionErrorAsync(badEmail, HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        Assert.False(await AccountExistsAsync(name));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await CreateAsync(client, "  ", $"owner-{PorticoApp.Unique()}@example.com")).StatusCode);
    }

    [Theory]
    [InlineData(StaffRole.Agent)]
    [InlineData(StaffRole.Finance)]
    public async Task Staff_other_than_admins_cannot_create_accounts(StaffRole role)
    {
        using var client = await app.SignInAsync(await app.CreateUserAsync(staffRole: role));
        var name = "Not theirs " + PorticoApp.Unique();
        var page = await client.GetPageAsync("/staff/accounts");
        Assert.Null(page.QuerySelector("input[name=ownerEmail]"));

        var response = await client.PostFormAsync("/staff/accounts?handler=Create", page,
            new Dictionary<string, string> { ["name"] = name, ["ownerEmail"] = $"owner-{PorticoApp.Unique()}@example.com" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(await AccountExistsAsync(name));
    }
}
