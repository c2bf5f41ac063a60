namespace Portico.Tests.Imports;

public sealed class CsvImportTests(PorticoApp app) : AppTests
{
    private static async Task<(HttpResponseMessage Response, AngleSharp.Html.Dom.IHtmlDocument Page)> PostAsync(PorticoClient client, string kind, string csv, string action)
    {
        var page = await client.GetPageAsync("/staff/import");
        var response = await client.PostMultipartAsync("/staff/import", page,
            [new("Kind", kind), new("action", action)], [("file", "import.csv", Encoding.UTF8.GetBytes(csv))]);
        return (response, await PorticoClient.ParseAsync(response));
    }

    private async Task<Account> AccountWithExternalIdAsync(string externalId) => await app.WithDbAsync(async (db, _) =>
    {
        var account = new Account("Imported " + externalId, DateTime.UtcNow, externalId);
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account;
    });

    [Fact]
    public async Task A_contacts_file_with_errors_is_reported_row_by_row_and_nothing_is_written_even_on_import()
    {
        var external = "CRM-" + PorticoApp.Unique();
        var account = await AccountWithExternalIdAsync(external);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var good = $"ok-{PorticoApp.Unique()}@example.com";
        var csv = $"email,name,accountExternalId,role\n{good},Good Person,{external},Viewer\nnot-an-email,Bad,{external},Viewer\nx-{PorticoApp.Unique()}@example.com,Nobody,CRM-missing,Viewer\ny-{PorticoApp.Unique()}@example.com,Wrong Role,{external},Emperor\n";

        foreach (var action in new[] { "check", "import" })
        {
            var (response, page) = await PostAsync(client, "contacts", csv, action);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var problems = page.QuerySelectorAll("[data-testid=import-row]").Select(r => r.TextContent).ToList();
            Assert.Contains(problems, p => p.Contains('3', StringComparison.Ordinal) && p.Contains("email must be an address", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("No account has the external id \"CRM-missing\"", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("role must be one of", StringComparison.Ordinal));
            Assert.Contains("3 with errors", page.QuerySelector("[data-testid=import-summary]")!.TextContent, StringComparison.Ordinal);
        }
        Assert.False(await app.WithDbAsync((db, _) => db.Users.AnyAsync(u => u.Email == good)));
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().CountAsync(m => m.AccountId == account.Id)));
    }

    [Fact]
    public async Task A_clean_contacts_file_imports_once_and_a_second_import_changes_nothing()
    {
        var external = "CRM-" + PorticoApp.Unique();
        var account = await AccountWithExternalIdAsync(external);
        var existing = await app.CreateUserAsync();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var fresh = $"new-{PorticoApp.Unique()}@example.com";
        var expires = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var csv = $"email,name,accountExternalId,role,expiresOn\n{fresh},\"Doe, Jane\",{external},Auditor,{expires}\n{existing.Email},Existing,{external},Requester,\n";

        var (checkResponse, check) = await PostAsync(client, "contacts", csv, "check");
        Assert.Equal(HttpStatusCode.OK, checkResponse.StatusCode);
        Assert.Contains("2 new", check.QuerySelector("[data-testid=import-summary]")!.TextContent, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync((db, _) => db.Users.AnyAsync(u => u.Email == fresh)));

        var (_, imported) = await PostAsync(client, "contacts", csv, "import");
        Assert.Contains("Imported", imported.QuerySelector("#report-heading")!.TextContent, StringComparison.Ordinal);
        var members = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.AccountId == account.Id)
            .Select(m => new { m.User.Email, m.User.DisplayName, Role = m.Role.Name, m.ExpiresAt }).ToListAsync());
        Assert.Equal(2, members.Count);
        var jane = members.Single(m => m.Email == fresh);
        Assert.Equal("Doe, Jane", jane.DisplayName);
        Assert.Equal(BuiltInRoles.Auditor, jane.Role);
        Assert.NotNull(jane.ExpiresAt);
        Assert.Equal(BuiltInRoles.Requester, members.Single(m => m.Email == existing.Email).Role);

        var (_, again) = await PostAsync(client, "contacts", csv, "import");
        Assert.Contains("0 new", again.QuerySelector("[data-testid=import-summary]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("2 unchanged", again.QuerySelector("[data-testid=import-summary]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(2, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().CountAsync(m => m.AccountId == account.Id)));
    }

    [Fact]
    public async Task Invoices_cannot_be_imported_from_a_file_while_another_system_owns_them_and_bad_files_are_explained()
    {
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var (response, page) = await PostAsync(client, "invoices", "externalId,externalAccountId,number,currency,issuedOn,dueOn,status,total\nX,CRM-1,1,EUR,2026-01-01,2026-02-01,open,10\n", "import");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("system of record", page.QuerySelector("[data-testid=import-error]")!.TextContent, StringComparison.Ordinal);

        var (badResponse, bad) = await PostAsync(client, "accounts", "externalId,name,colour\nA,B,red\n", "check");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badResponse.StatusCode);
        Assert.Contains("Unknown column(s): colour", bad.QuerySelector("[data-testid=import-error]")!.TextContent, StringComparison.Ordinal);

        var (nulResponse, nul) = await PostAsync(client, "accounts", "externalId,name\nA-1,Fine\nA-2,Bad\0name\n", "check");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nulResponse.StatusCode);
        Assert.Contains("Row 3, column name, contains a control character (U+0000)", nul.QuerySelector("[data-testid=import-error]")!.TextContent, StringComparison.Ordinal);

        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        using var agentClient = await app.SignInAsync(agent);
        Assert.Equal(HttpStatusCode.Forbidden, (await agentClient.Http.GetAsync(new Uri("/staff/import", UriKind.Relative))).StatusCode);
    }
}
