using Microsoft.Extensions.Logging;
using Portico.Features.Staff;

namespace Portico.Tests.Staff;

public sealed class StaffSearchTests(PorticoApp app) : AppTests
{
    private sealed record World(Account Account, PorticoUser Person, Portico.Features.Requests.Request Request, Invoice Invoice,
        Portico.Features.Orders.Order Order, Portico.Features.Documents.Document Document, string Token);

    /// One account with a person, a request, an invoice, an order and a document, each named with the same unique token.
    private async Task<World> CreateWorldAsync()
    {
        var token = PorticoApp.Unique().ToUpperInvariant();
        var account = await app.WithDbAsync(async (db, _) =>
        {
            var created = new Account($"Searchable {token} Ltd", DateTime.UtcNow, $"CRM-{token}");
            db.Accounts.Add(created);
            await db.SaveChangesAsync();
            return created;
        });
        var person = await app.CreateUserAsync($"finder-{token.ToLowerInvariant()}@example.com");
        await app.AddMemberAsync(account, person, BuiltInRoles.Owner);
        var type = await app.CreateRequestTypeAsync();
        var request = await app.CreateRequestAsync(account, person, type, subject: $"Printer {token} jams on page two");
        var integration = await app.CreateIntegrationAsync();
        var invoice = await app.CreateInvoiceAsync(account, integration, number: $"INV-{token}");
        var order = await app.CreateOrderAsync(account, integration);
        var folder = await app.CreateFolderAsync(account);
        var (document, _) = await app.CreateDocumentAsync(folder, person, $"Contract-{token}.txt", "signed"u8.ToArray());
        return new World(account, person, request, invoice, order, document, token);
    }

    private static async Task<(HttpResponseMessage Response, IHtmlDocument Page)> SearchAsync(PorticoClient client, string query)
    {
        var response = await client.Http.GetAsync(new Uri("/staff/search?q=" + Uri.EscapeDataString(query), UriKind.Relative));
        return (response, await PorticoClient.ParseAsync(response));
    }

    private static async Task<IHtmlDocument> FoundAsync(PorticoClient client, string query)
    {
        var (response, page) = await SearchAsync(client, query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return page;
    }

    private static List<string> Links(IHtmlDocument page, string group) =>
        page.QuerySelectorAll($"[data-testid=search-{group}] a").Select(a => a.GetAttribute("href")!).ToList();

    [Fact]
    public async Task An_admin_finds_each_kind_by_its_own_field_whatever_the_case()
    {
        var world = await CreateWorldAsync();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var token = world.Token;
        var lower = token.ToLowerInvariant();

        Assert.Contains($"/staff/accounts/{world.Account.Id}", Links(await FoundAsync(client, $"searchable {lower}"), "accounts"));
        Assert.Contains($"/staff/accounts/{world.Account.Id}", Links(await FoundAsync(client, $"crm-{lower}"), "accounts"));

        var byEmail = await FoundAsync(client, $"FINDER-{token}@EXAMPLE");
        Assert.Contains(world.Person.Email!, byEmail.QuerySelector("[data-testid=search-people]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains($"/staff/accounts/{world.Account.Id}", Links(byEmail, "people"));
        Assert.Contains(world.Person.Email!, (await FoundAsync(client, $"person finder-{lower}")).QuerySelector("[data-testid=search-people]")!.TextContent,
            StringComparison.Ordinal);

        var requestLink = $"/staff/requests/{world.Request.Id}";
        Assert.Contains(requestLink, Links(await FoundAsync(client, $"Searchable {lower} #{world.Request.Number}"), "requests"));
        Assert.Contains(requestLink, Links(await FoundAsync(client, $"searchable {lower} {world.Request.Number}"), "requests"));
        Assert.Contains(requestLink, Links(await FoundAsync(client, $"PRINTER {lower} JAMS"), "requests"));

        var invoices = Links(await FoundAsync(client, $"inv-{lower[..6]}"), "invoices");
        Assert.Equal([$"/staff/invoices?q={Uri.EscapeDataString(world.Invoice.Number)}"], invoices);
        Assert.Equal([$"/staff/accounts/{world.Account.Id}"], Links(await FoundAsync(client, world.Order.Reference[..^1]), "orders"));
        Assert.Equal([$"/staff/documents/{world.Document.Id}"], Links(await FoundAsync(client, $"contract-{lower}"), "documents"));
    }

    [Fact]
    public async Task Agents_get_no_invoices_or_orders_and_finance_no_requests()
    {
        var world = await CreateWorldAsync();
        using var agent = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));
        using var finance = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Finance));

        // The token is in the invoice number, the request title and the account name alike.
        var agentSees = await FoundAsync(agent, world.Token);
        Assert.NotEmpty(Links(agentSees, "requests"));
        Assert.NotEmpty(Links(agentSees, "accounts"));
        // An agent finds whose invoice or order a number is, without the invoice or order itself.
        var agentByInvoice = await FoundAsync(agent, world.Invoice.Number);
        Assert.Empty(Links(agentByInvoice, "invoices"));
        Assert.Equal([$"/staff/accounts/{world.Account.Id}"], Links(agentByInvoice, "accounts"));
        Assert.Contains(world.Invoice.Number, agentByInvoice.QuerySelector("[data-testid=search-matched-record]")?.TextContent);
        var agentByOrder = await FoundAsync(agent, world.Order.Reference);
        Assert.Empty(Links(agentByOrder, "orders"));
        Assert.Equal([$"/staff/accounts/{world.Account.Id}"], Links(agentByOrder, "accounts"));

        var financeSees = await FoundAsync(finance, world.Token);
        Assert.Empty(Links(financeSees, "requests"));
        Assert.NotEmpty(Links(financeSees, "accounts"));
        Assert.Empty(Links(await FoundAsync(finance, $"Searchable {world.Token} #{world.Request.Number}"), "requests"));
        var financeByInvoice = await FoundAsync(finance, world.Invoice.Number);
        Assert.NotEmpty(Links(financeByInvoice, "invoices"));
        Assert.Null(financeByInvoice.QuerySelector("[data-testid=search-matched-record]"));
        Assert.NotEmpty(Links(await FoundAsync(finance, world.Order.Reference), "orders"));
    }

    [Fact]
    public async Task Customers_are_refused_and_visitors_sent_to_sign_in()
    {
        var (_, owner, customer) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        Assert.Equal(HttpStatusCode.Forbidden, (await SearchAsync(customer, "Searchable")).Response.StatusCode);
        using var visitor = app.Anonymous();
        var response = (await SearchAsync(visitor, "Searchable")).Response;
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/login?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "at least 2 characters")]
    [InlineData(201, "at most 200 characters")]
    [InlineData(1000, "at most 200 characters")]
    public async Task A_query_too_short_or_too_long_is_explained_and_not_searched(int length, string message)
    {
        var world = await CreateWorldAsync();
        using var client = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));
        // A query that would match the account if it were run.
        var query = (world.Account.Name + new string('x', 1000))[..length];
        var (response, page) = await SearchAsync(client, length == 1 ? "S" : query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, page.QuerySelector("[data-testid=search-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("[data-testid^=search-accounts]"));
        Assert.Null(page.QuerySelector("[data-testid=search-nothing]"));
    }

    [Fact]
    public async Task Each_kind_shows_at_most_ten_and_says_when_there_are_more()
    {
        var token = PorticoApp.Unique();
        for (var i = 0; i < 11; i++)
        {
            await app.CreateAccountAsync($"Crowded {token} {i:D2}");
        }
        using var client = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));
        var page = await FoundAsync(client, $"crowded {token}");
        Assert.Equal(10, Links(page, "accounts").Count);
        Assert.NotNull(page.QuerySelector("[data-testid=search-accounts] [data-testid=search-more]"));

        await app.CreateAccountAsync($"Lonely {token}");
        var one = await FoundAsync(client, $"lonely {token}");
        Assert.Single(Links(one, "accounts"));
        Assert.Null(one.QuerySelector("[data-testid=search-more]"));
    }

    [Fact]
    public async Task The_search_box_is_in_the_navigation_of_staff_pages_and_not_of_customer_pages()
    {
        using var staff = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Finance));
        foreach (var path in new[] { "/staff", "/staff/accounts", "/staff/invoices" })
        {
            var page = await staff.GetPageAsync(path);
            var box = page.QuerySelector("nav [data-testid=staff-search-box]");
            Assert.NotNull(box);
            Assert.Equal("/staff/search", box.Closest("form")!.GetAttribute("action"));
            Assert.Contains("/", page.QuerySelector("#staff-search-hint")!.TextContent, StringComparison.Ordinal);
            Assert.NotNull(page.QuerySelector("script[src^='/js/staff-search.js']"));
        }
        var (account, owner, customer) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        Assert.Null((await customer.GetPageAsync($"/a/{account.Id}")).QuerySelector("[data-testid=staff-search-box]"));
    }
}

public sealed class StaffSearchIndexTests(PorticoApp app) : AppTests
{
    private static async Task<List<string>> AccountLinksAsync(PorticoClient client, string query)
    {
        var page = await client.GetPageAsync("/staff/search?q=" + Uri.EscapeDataString(query));
        return page.QuerySelectorAll("[data-testid=search-accounts] a").Select(a => a.GetAttribute("href")!).ToList();
    }

    [Fact]
    public async Task A_renamed_account_is_found_by_its_new_name_and_no_longer_by_its_old_one()
    {
        var token = PorticoApp.Unique();
        var account = await app.CreateAccountAsync($"Oldname {token} Ltd");
        using var client = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));
        var link = $"/staff/accounts/{account.Id}";
        Assert.Contains(link, await AccountLinksAsync(client, $"oldname {token}"));

        await app.WithDbAsync(async db =>
        {
            (await db.Accounts.SingleAsync(a => a.Id == account.Id)).Rename($"Newname {token} Ltd");
            await db.SaveChangesAsync();
        });
        Assert.Contains(link, await AccountLinksAsync(client, $"NEWNAME {token}"));
        Assert.DoesNotContain(link, await AccountLinksAsync(client, $"oldname {token}"));

        await app.WithDbAsync(async db =>
        {
            db.Accounts.Remove(await db.Accounts.SingleAsync(a => a.Id == account.Id));
            await db.SaveChangesAsync();
        });
        Assert.Empty(await AccountLinksAsync(client, $"newname {token}"));
    }

    [Fact]
    public async Task The_text_index_lost_by_a_table_rebuild_is_made_again_at_start_with_changes_made_meanwhile()
    {
        var token = PorticoApp.Unique();
        var account = await app.CreateAccountAsync($"Before {token} Ltd");
        using var client = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));
        await app.WithDbAsync(async (db, services) =>
        {
            var sqlite = db.Database.IsSqlite();
            if (sqlite)
            {
                // What a migration that rebuilds the table leaves: the rows, without the triggers that follow them.
                await db.Database.ExecuteSqlRawAsync("DROP TRIGGER \"AccountSearch_Update\"");
            }
            (await db.Accounts.SingleAsync(a => a.Id == account.Id)).Rename($"After {token} Ltd");
            await db.SaveChangesAsync();
            if (sqlite)
            {
                await StaffSearchIndex.EnsureSqliteAsync(db, services.GetRequiredService<ILogger<StaffSearchTests>>(), CancellationToken.None);
                Assert.Equal(1, await db.Database.SqlQueryRaw<int>(
                    "SELECT count(*) AS Value FROM sqlite_master WHERE name = 'AccountSearch_Update'").SingleAsync());
            }
            return 0;
        });
        Assert.Contains($"/staff/accounts/{account.Id}", await AccountLinksAsync(client, $"after {token}"));
        Assert.Empty(await AccountLinksAsync(client, $"before {token}"));
    }

    [Fact]
    public async Task An_index_made_by_this_version_is_left_as_it_is_at_start()
    {
        await app.WithDbAsync(async (db, services) =>
        {
            if (!db.Database.IsSqlite())
            {
                return 0; // PostgreSQL's trigram indexes are made by migrations, not at start.
            }
            // A row no rebuild would make: it survives only if the index is not made again.
            var marker = Guid.NewGuid();
            await db.Database.ExecuteSqlRawAsync("INSERT INTO \"AccountSearch\" (\"Key\", \"Name\") VALUES ({0}, 'marker')", marker);
            await StaffSearchIndex.EnsureSqliteAsync(db, services.GetRequiredService<ILogger<StaffSearchTests>>(), CancellationToken.None);
            Assert.Equal(1, await db.Database.SqlQueryRaw<int>(
                "SELECT count(*) AS Value FROM \"AccountSearch\" WHERE \"Key\" = {0}", marker).SingleAsync());
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"AccountSearch\" WHERE \"Key\" = {0}", marker);
            return 0;
        });
    }

    [Fact]
    public async Task With_more_matches_than_the_page_shows_it_shows_ten_and_on_sqlite_ten_of_the_newest()
    {
        var token = PorticoApp.Unique();
        var made = new List<Guid>();
        for (var i = 0; i < StaffSearch.Cap + 3; i++)
        {
            made.Add((await app.CreateAccountAsync($"Series {token} {i:00}")).Id);
        }
        using var client = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));
        var shown = await AccountLinksAsync(client, $"series {token}");
        Assert.Equal(StaffSearch.Cap, shown.Count);
        Assert.All(shown, link => Assert.Contains(link, made.Select(id => $"/staff/accounts/{id}")));
        if (app.Provider != "Postgres")
        {
            // The index gives the newest one more than the page shows, which tells there are more.
            Assert.Subset(made.TakeLast(StaffSearch.Cap + 1).Select(id => $"/staff/accounts/{id}").ToHashSet(), shown.ToHashSet());
        }
    }

    [Fact]
    public async Task Deleted_documents_take_no_place_among_the_few_candidates_the_search_reads()
    {
        var token = PorticoApp.Unique();
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        var (kept, _) = await app.CreateDocumentAsync(folder, owner, $"Memo {token} kept.txt", "x"u8.ToArray());
        // More deleted documents of that name, all newer, than the search takes from the index.
        var deleted = new List<Guid>();
        for (var i = 0; i < StaffSearch.Cap + 2; i++)
        {
            deleted.Add((await app.CreateDocumentAsync(folder, owner, $"Memo {token} {i}.txt", "x"u8.ToArray())).Document.Id);
        }
        await app.WithDbAsync(async (db, services) =>
        {
            if (db.Database.IsSqlite())
            {
                // An index made by an earlier version, which kept deleted documents, is made again at the next start.
                await db.Database.ExecuteSqlRawAsync("DROP TRIGGER \"DocumentSearch_Update\"");
                await db.Database.ExecuteSqlRawAsync("CREATE TRIGGER \"DocumentSearch_Update\" AFTER UPDATE ON \"Documents\" " +
                    "WHEN new.\"Name\" IS NOT old.\"Name\" BEGIN UPDATE \"DocumentSearch\" SET \"Name\" = new.\"Name\" WHERE \"Key\" = old.\"Id\"; END");
            }
            foreach (var document in await db.Documents.Where(d => deleted.Contains(d.Id)).ToListAsync())
            {
                document.Delete(DateTime.UtcNow);
            }
            await db.SaveChangesAsync();
            if (db.Database.IsSqlite())
            {
                await StaffSearchIndex.EnsureSqliteAsync(db, services.GetRequiredService<ILogger<StaffSearchTests>>(), CancellationToken.None);
            }
            return 0;
        });
        using var client = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));
        var page = await client.GetPageAsync("/staff/search?q=" + Uri.EscapeDataString($"memo {token}"));
        Assert.Equal([$"/staff/documents/{kept.Id}"],
            page.QuerySelectorAll("[data-testid=search-documents] a").Select(a => a.GetAttribute("href")!).ToList());

        // Back from deletion (as a new version brings it), a document is found again.
        await app.WithDbAsync(db => db.Documents.Where(d => d.Id == deleted[0])
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.DeletedAt, (DateTime?)null)));
        page = await client.GetPageAsync("/staff/search?q=" + Uri.EscapeDataString($"memo {token}"));
        Assert.Contains($"/staff/documents/{deleted[0]}",
            page.QuerySelectorAll("[data-testid=search-documents] a").Select(a => a.GetAttribute("href")!));
    }

    [Theory]
    [InlineData("_")]
    [InlineData("%")]
    [InlineData("\"")]
    [InlineData("\\")]
    public async Task Wildcards_and_quotes_in_the_query_are_matched_as_typed(string special)
    {
        var token = PorticoApp.Unique();
        var plain = await app.CreateAccountAsync($"Mark {token} aXb");
        var marked = await app.CreateAccountAsync($"Mark {token} a{special}b");
        using var client = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));
        Assert.Equal([$"/staff/accounts/{marked.Id}"], await AccountLinksAsync(client, $"{token} a{special}b"));
        Assert.Equal(2, (await AccountLinksAsync(client, $"mark {token}")).Count);
        Assert.Equal([$"/staff/accounts/{plain.Id}"], await AccountLinksAsync(client, $"{token} axb"));
    }

    [Fact]
    public async Task Two_characters_find_numbers_and_say_that_names_need_three()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var request = await app.CreateRequestAsync(account, owner, await app.CreateRequestTypeAsync());
        using var client = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Agent));
        var number = request.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var page = await client.GetPageAsync("/staff/search?q=%23" + number);
        Assert.Contains($"/staff/requests/{request.Id}",
            page.QuerySelectorAll("[data-testid=search-requests] a").Select(a => a.GetAttribute("href")));
        Assert.NotNull((await client.GetPageAsync("/staff/search?q=ab")).QuerySelector("[data-testid=search-short]"));
        Assert.Null((await client.GetPageAsync("/staff/search?q=abc")).QuerySelector("[data-testid=search-short]"));
    }
}
