using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;

namespace Portico.Tests.Web;

/// Every page handler that takes a POST, found from the app's own endpoints, refuses a post
/// without the antiforgery token with 400 and changes nothing. A new form is covered without
/// being listed; a new kind of route value fails the test until the test can fill it in.
public sealed class AntiforgeryTests : IAsyncLifetime
{
    /// Marks responses that the antiforgery check refused, so a 400 for any other reason does not pass.
    private sealed class AntiforgeryMarker : IAlwaysRunResultFilter
    {
        public const string Header = "X-Test-Antiforgery-Refused";

        public void OnResultExecuting(ResultExecutingContext context)
        {
            if (context.Result is IAntiforgeryValidationFailedResult)
            {
                context.HttpContext.Response.Headers[Header] = "1";
            }
        }

        public void OnResultExecuted(ResultExecutedContext context)
        {
        }
    }

    private sealed class MarkedApp : PorticoApp
    {
        protected override void ConfigureTestServices(IServiceCollection services) =>
            services.Configure<MvcOptions>(o => o.Filters.Add(new AntiforgeryMarker()));
    }

    /// Pages that post but change nothing and so need no token, each with the reason.
    private static readonly Dictionary<string, string> Exempt = new()
    {
        ["error/{code:int?}"] = "The error page only shows an error; re-executed posts must render it.",
    };

    private readonly MarkedApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<List<(string Route, string Handler)>> PostHandlersAsync()
    {
        var loader = _app.Services.GetRequiredService<PageLoader>();
        var endpoints = _app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>();
        var found = new List<(string, string)>();
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not { } descriptor)
            {
                continue;
            }
            var compiled = await loader.LoadAsync(descriptor, endpoint.Metadata);
            foreach (var handler in compiled.HandlerMethods.Where(h => string.Equals(h.HttpMethod, "Post", StringComparison.OrdinalIgnoreCase)))
            {
                found.Add((endpoint.RoutePattern.RawText!.Trim('/'), handler.Name ?? ""));
            }
        }
        return found.Distinct().OrderBy(f => f.Item1, StringComparer.Ordinal).ThenBy(f => f.Item2, StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task Every_state_changing_form_refuses_a_post_without_the_antiforgery_token_and_changes_nothing()
    {
        var app = _app;
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var colleague = await app.CreateUserAsync();
        var colleagueMembership = await app.AddMemberAsync(account, colleague, BuiltInRoles.Viewer);
        var type = await app.CreateRequestTypeAsync();
        var request = await app.CreateRequestAsync(account, owner, type);
        var folder = await app.CreateFolderAsync(account);
        var (document, version) = await app.CreateDocumentAsync(folder, owner, "Contract.txt", "contract"u8.ToArray());
        var integration = await app.CreateIntegrationAsync();
        var invoice = await app.CreateInvoiceAsync(account, integration);
        var order = await app.CreateOrderAsync(account, integration);
        var token = await app.WithDbAsync(async (db, _) =>
        {
            var roleId = await db.Roles.Where(r => r.Name == BuiltInRoles.Viewer).Select(r => r.Id).SingleAsync();
            var (invitation, raw) = Invitation.Create(account.Id, $"csrf-{PorticoApp.Unique()}@example.com", roleId, null, "Test", DateTime.UtcNow);
            db.Invitations.Add(invitation);
            await db.SaveChangesAsync();
            return raw;
        });
        var values = new Dictionary<string, string>
        {
            ["accountId"] = account.Id.ToString(), ["id"] = account.Id.ToString(), ["requestId"] = request.Id.ToString(),
            ["documentId"] = document.Id.ToString(), ["folderId"] = folder.Id.ToString(), ["versionId"] = version.Id.ToString(),
            ["invoiceId"] = invoice.Id.ToString(), ["orderId"] = order.Id.ToString(), ["typeId"] = type.Id.ToString(), ["token"] = token,
            ["slug"] = (await Help.HelpSteps.PublishArticleAsync(app, "Forged posts", "An article a forged post would mark helpful.")).Slug,
        };
        // Fields a real form would send, so a handler that got past the check would have something to act on.
        var fields = new Dictionary<string, string>
        {
            ["membershipId"] = colleagueMembership.Id.ToString(), ["userId"] = colleague.Id.ToString(), ["roleId"] = Guid.Empty.ToString(),
            ["email"] = $"csrf-{PorticoApp.Unique()}@example.com", ["required"] = "true", ["reason"] = "csrf", ["body"] = "csrf",
            ["accountId"] = account.Id.ToString(), ["others"] = "true",
        };
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var ownerClient = await app.SignInAsync(owner);
        using var adminClient = await app.SignInAsync(admin);

        var handlers = await PostHandlersAsync();
        // The discovery itself must work, or the test would pass by checking nothing.
        Assert.Contains(("a/{accountId:guid}/contacts", "Invite"), handlers);
        Assert.Contains(("staff/accounts/{id:guid}", "ResetTwoFactor"), handlers);
        Assert.Contains(("login", ""), handlers);

        var before = await app.AllTablesAsync();
        var failures = new List<string>();
        foreach (var (route, handler) in handlers)
        {
            if (Exempt.ContainsKey(route))
            {
                continue;
            }
            var path = "/" + string.Join('/', route.Split('/').Select(segment => Fill(segment, values, route, failures)).Where(s => s.Length > 0));
            var url = handler.Length == 0 ? path : $"{path}?handler={handler}";
            var client = route.StartsWith("staff", StringComparison.Ordinal) ? adminClient : ownerClient;
            var response = await client.Http.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(fields));
            if (response.StatusCode != HttpStatusCode.BadRequest || !response.Headers.Contains(AntiforgeryMarker.Header))
            {
                failures.Add($"POST {url} ({route}, handler '{handler}') answered {(int)response.StatusCode} without an antiforgery refusal");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(before, await app.AllTablesAsync());
        // Both sessions are still there: not even signing out happened.
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await adminClient.Http.GetAsync(new Uri("/staff", UriKind.Relative))).StatusCode);
    }

    private static string Fill(string segment, Dictionary<string, string> values, string route, List<string> failures)
    {
        if (!segment.StartsWith('{'))
        {
            return segment;
        }
        var name = segment.Trim('{', '}').Split(':', '?', '=')[0];
        if (values.TryGetValue(name, out var value))
        {
            return value;
        }
        if (segment.Contains('?', StringComparison.Ordinal))
        {
            return "";
        }
        failures.Add($"No test value for route parameter {{{name}}} in {route}: add one so its forms are covered");
        return Guid.Empty.ToString();
    }
}
