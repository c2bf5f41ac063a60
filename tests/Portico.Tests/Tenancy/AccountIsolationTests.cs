namespace Portico.Tests.Tenancy;

/// Every route that takes an account id is listed here with the permission it needs. The
/// coverage test fails when a route is added without a row, so isolation is never assumed.
public sealed class AccountIsolationTests(PorticoApp app) : AppTests
{
    /// Route, the permission it needs, and the method to call it with (POST rows send a valid JSON body).
    public static readonly TheoryData<string, string, string> AccountRoutes = new()
    {
        { "a/{accountId:guid}", Permissions.AccountView, "GET" },
        { "a/{accountId:guid}/contacts", Permissions.ContactsView, "GET" },
        { "a/{accountId:guid}/audit", Permissions.AuditView, "GET" },
        { "a/{accountId:guid}/requests", Permissions.RequestsView, "GET" },
        { "a/{accountId:guid}/requests/new", Permissions.RequestsCreate, "GET" },
        { "a/{accountId:guid}/requests/{requestId:guid}", Permissions.RequestsView, "GET" },
        { "a/{accountId:guid}/requests/{requestId:guid}/files/{attachmentId:guid}", Permissions.RequestsView, "GET" },
        { "api/accounts/{accountId:guid}/memberships", Permissions.ContactsView, "GET" },
        { "api/accounts/{accountId:guid}/request-types", Permissions.RequestsCreate, "GET" },
        { "api/accounts/{accountId:guid}/requests", Permissions.RequestsView, "GET" },
        { "api/accounts/{accountId:guid}/requests", Permissions.RequestsCreate, "POST" },
        { "api/accounts/{accountId:guid}/requests/{requestId:guid}", Permissions.RequestsView, "GET" },
        { "api/accounts/{accountId:guid}/requests/{requestId:guid}/replies", Permissions.RequestsCreate, "POST" },
        { "a/{accountId:guid}/documents", Permissions.DocumentsView, "GET" },
        { "a/{accountId:guid}/documents/folders/{folderId:guid}", Permissions.DocumentsView, "GET" },
        { "a/{accountId:guid}/documents/{documentId:guid}", Permissions.DocumentsView, "GET" },
        { "a/{accountId:guid}/documents/{documentId:guid}/versions/{versionId:guid}", Permissions.DocumentsView, "GET" },
        { "api/accounts/{accountId:guid}/documents/folders", Permissions.DocumentsView, "GET" },
        { "api/accounts/{accountId:guid}/documents", Permissions.DocumentsView, "GET" },
        { "api/accounts/{accountId:guid}/documents/{documentId:guid}", Permissions.DocumentsView, "GET" },
        { "api/accounts/{accountId:guid}/documents/{documentId:guid}/versions/{versionId:guid}/content", Permissions.DocumentsView, "GET" },
        { "api/accounts/{accountId:guid}/documents/folders/{folderId:guid}/files", Permissions.DocumentsUpload, "POST" },
        { "a/{accountId:guid}/invoices", Permissions.InvoicesView, "GET" },
        { "a/{accountId:guid}/invoices/{invoiceId:guid}", Permissions.InvoicesView, "GET" },
        { "a/{accountId:guid}/orders", Permissions.OrdersView, "GET" },
        { "a/{accountId:guid}/orders/{orderId:guid}", Permissions.OrdersView, "GET" },
        { "a/{accountId:guid}/approvals", Permissions.AccountView, "GET" },
        { "a/{accountId:guid}/company", Permissions.AccountView, "GET" },
        { "a/{accountId:guid}/help", Permissions.AccountView, "GET" },
        { "a/{accountId:guid}/help/{slug}", Permissions.AccountView, "GET" },
    };

    /// One request type named after the account and one request in it, and a folder with one
    /// document, so every route has an object to show.
    private async Task<Dictionary<string, string>> ObjectsAsync(Account account, PorticoUser submitter)
    {
        var type = await app.CreateRequestTypeAsync("Type for " + account.Name);
        var request = await app.CreateRequestAsync(account, submitter, type, subject: "Request about " + account.Name, shared: true);
        var attachmentId = await app.WithDbAsync((db, _) => db.RequestAttachments.Where(a => a.RequestId == request.Id).Select(a => a.Id).SingleAsync());
        var folder = await app.CreateFolderAsync(account, "Folder of " + account.Name);
        var (document, version) = await app.CreateDocumentAsync(folder, submitter, "Document of " + account.Name + ".txt",
            System.Text.Encoding.UTF8.GetBytes("Contents for " + account.Name));
        var integration = await app.CreateIntegrationAsync();
        var invoice = await app.CreateInvoiceAsync(account, integration);
        var order = await app.CreateOrderAsync(account, integration);
        // An article only this account reads, named after it: another account's member must not reach it.
        var article = await app.PublishArticleAsync("Article for " + account.Name, "Only for " + account.Name, accounts: [account.Id]);
        return new Dictionary<string, string>
        {
            ["{accountId:guid}"] = account.Id.ToString(),
            ["{invoiceId:guid}"] = invoice.Id.ToString(),
            ["{orderId:guid}"] = order.Id.ToString(),
            ["{slug}"] = article.Slug,
            ["{folderId:guid}"] = folder.Id.ToString(),
            ["{documentId:guid}"] = document.Id.ToString(),
            ["{versionId:guid}"] = version.Id.ToString(),
            ["accountName"] = account.Name,
            ["{requestId:guid}"] = request.Id.ToString(),
            ["{attachmentId:guid}"] = attachmentId.ToString(),
            ["typeId"] = type.Id.ToString(),
        };
    }

    /// A customer account with its Owner, and the objects every route shows.
    private async Task<(Account Account, PorticoUser Owner, Dictionary<string, string> Ids)> AccountWithObjectsAsync()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        return (account, owner, await ObjectsAsync(account, owner));
    }

    private Task<int> DocumentCountAsync(Account account) => app.WithDbAsync((db, _) => db.Documents.CountAsync(d => d.AccountId == account.Id));

    private static Task<HttpResponseMessage> CallAsync(PorticoClient client, string method, string pattern, Dictionary<string, string> ids)
    {
        var url = "/" + ids.Where(kv => kv.Key.StartsWith('{')).Aggregate(pattern, (u, kv) => u.Replace(kv.Key, kv.Value, StringComparison.Ordinal));
        if (method == "GET")
        {
            return client.Http.GetAsync(new Uri(url, UriKind.Relative));
        }
        if (pattern.EndsWith("/files", StringComparison.Ordinal))
        {
            var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes("Uploaded by the isolation test"));
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            return client.Http.PostAsync(new Uri(url + "?name=" + Uri.EscapeDataString("Upload for " + ids["accountName"] + ".txt"), UriKind.Relative), file);
        }
        object body = pattern.EndsWith("/replies", StringComparison.Ordinal)
            ? new { body = "A reply from the isolation test" }
            : new { typeId = ids["typeId"], subject = "Created by the isolation test", priority = "Normal" };
        return client.Http.PostAsJsonAsync(new Uri(url, UriKind.Relative), body);
    }

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

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task A_member_with_the_permission_sees_their_own_account(string pattern, string permission, string method)
    {
        var (account, user, ids) = await AccountWithObjectsAsync();
        Assert.Contains(permission, Permissions.All);
        using var client = await app.SignInAsync(user);

        var response = await CallAsync(client, method, pattern, ids);

        Assert.Equal(method == "POST" && !pattern.EndsWith("/replies", StringComparison.Ordinal) ? HttpStatusCode.Created : HttpStatusCode.OK, response.StatusCode);
        if (pattern.Contains("/files", StringComparison.Ordinal) && method == "POST")
        {
            Assert.Equal(2, await DocumentCountAsync(account));
        }
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(body.Contains(account.Name, StringComparison.Ordinal) || body.Contains(user.Email!, StringComparison.Ordinal),
            "The page should show the account's own data.");
    }

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task A_member_of_another_account_gets_404_and_none_of_its_data(string pattern, string permission, string method)
    {
        var (victim, victimUser, ids) = await AccountWithObjectsAsync();
        var (_, intruder, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);

        var response = await CallAsync(client, method, pattern, ids);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(victim.Name, body, StringComparison.Ordinal);
        Assert.DoesNotContain(victimUser.Email!, body, StringComparison.Ordinal);
        Assert.Equal(1, await DocumentCountAsync(victim));
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.Requests.CountAsync(r => r.AccountId == victim.Id)));
        Assert.NotNull(permission);
    }

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task A_member_without_the_permission_gets_nothing(string pattern, string permission, string method)
    {
        var (account, owner, ids) = await AccountWithObjectsAsync();
        var roleName = "All but " + permission + " " + PorticoApp.Unique();
        await app.WithDbAsync(async db =>
        {
            db.Roles.Add(new Role(roleName, "test", Permissions.All.Where(p => p != permission)));
            await db.SaveChangesAsync();
        });
        var user = await app.CreateUserAsync();
        await app.AddMemberAsync(account, user, roleName);
        using var client = await app.SignInAsync(user);

        var response = await CallAsync(client, method, pattern, ids);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(owner.Email!, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Request about", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Contents for", body, StringComparison.Ordinal);
        Assert.Equal(1, await DocumentCountAsync(account));
    }

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task A_member_whose_access_expired_gets_404(string pattern, string permission, string method)
    {
        var account = await app.CreateAccountAsync();
        var user = await app.CreateUserAsync();
        await app.AddMemberAsync(account, user, BuiltInRoles.Owner, expiresAt: DateTime.UtcNow.AddMinutes(-1));
        var ids = await ObjectsAsync(account, user);
        using var client = await app.SignInAsync(user);

        var response = await CallAsync(client, method, pattern, ids);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(account.Name, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(permission);
    }

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task Staff_do_not_reach_customer_routes_directly(string pattern, string permission, string method)
    {
        var (account, customer, ids) = await AccountWithObjectsAsync();
        var staff = await app.CreateUserAsync(staffRole: Features.Identity.StaffRole.Admin);
        using var client = await app.SignInAsync(staff);

        var response = await CallAsync(client, method, pattern, ids);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotNull(permission);
    }

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task Anonymous_visitors_are_sent_to_sign_in(string pattern, string permission, string method)
    {
        var (account, customer, ids) = await AccountWithObjectsAsync();
        using var client = app.Anonymous();

        var response = await CallAsync(client, method, pattern, ids);

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
