using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Portico.BrowserTests;

/// Every Razor page the app serves, found from its own endpoint list so a new page is covered without being listed in a test,
/// and an account whose data fills every route parameter, with a person for each built-in customer role and each staff role.
public static partial class EveryPage
{
    /// Pages that only show their real content for a single-use token sent by email (a made-up token shows nothing of
    /// them), or that are not pages a person reads.
    public static readonly Dictionary<string, string> Skipped = new()
    {
        ["/invitations/{token}"] = "needs the single-use token from an invitation email",
        ["/setup/{token}"] = "needs the single-use token from a staff setup email",
        ["/switch-account"] = "takes only the account switcher's form; a visit goes on to the portal's start",
        ["/bench/table"] = "the benchmark's reference page, served only when Portico:BenchmarkEndpoints is on",
    };

    public sealed record PageRoute(string Template, RoutePattern Pattern, bool Anonymous)
    {
        public bool Staff => Template.StartsWith("/staff", StringComparison.Ordinal);
    }

    /// Customers by built-in role name, staff by staff role.
    public sealed record TestData(Account Account, PorticoUser Owner, PorticoUser Admin, Dictionary<string, string> Values,
        IReadOnlyDictionary<string, PorticoUser> Customers, IReadOnlyDictionary<StaffRole, PorticoUser> Staff);

    /// Every Razor page the app maps, from the endpoints it actually serves.
    public static List<PageRoute> Routes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => new PageRoute(Template(e.RoutePattern), e.RoutePattern, e.Metadata.GetMetadata<IAllowAnonymous>() is not null))
            .DistinctBy(p => p.Template)
            .OrderBy(p => p.Template, StringComparer.Ordinal)
            .ToList();

    /// The route as written without constraints, e.g. /a/{accountId}/contacts.
    public static string Template(RoutePattern pattern) => "/" + string.Join("/", pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(part => part switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternParameterPart parameter => "{" + parameter.Name + (parameter.IsOptional ? "?" : "") + "}",
        RoutePatternSeparatorPart separator => separator.Content,
        _ => "",
    }))));

    public static string Fill(RoutePattern pattern, TestData data) => "/" + string.Join("/", pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(part => part switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternSeparatorPart separator => separator.Content,
        RoutePatternParameterPart { IsOptional: true } parameter => data.Values.GetValueOrDefault(parameter.Name, ""),
        RoutePatternParameterPart parameter => data.Values.TryGetValue(parameter.Name, out var value) ? value
            : throw new InvalidOperationException($"No test value for {{{parameter.Name}}} in {Template(pattern)}: add one to CreateDataAsync or a reason to Skipped."),
        _ => "",
    })))).TrimEnd('/') is { Length: > 0 } url ? url : "/";

    /// One account with a request, a document in a folder, an invoice and an order, long names included; a person in each
    /// built-in customer role of it, and a person in each staff role.
    public static async Task<TestData> CreateDataAsync(PorticoApp app)
    {
        var account = await app.CreateAccountAsync("Harbour Logistics and Warehousing International " + PorticoApp.Unique());
        var owner = await app.CreateUserAsync($"owner.with.a.long.address-{PorticoApp.Unique()}@harbour-logistics.example.com");
        await app.AddMemberAsync(account, owner, BuiltInRoles.Owner);
        var colleague = await app.CreateUserAsync($"accounts.payable-{PorticoApp.Unique()}@harbour-logistics.example.com");
        await app.AddMemberAsync(account, colleague, BuiltInRoles.Owner);
        var customers = new Dictionary<string, PorticoUser> { [BuiltInRoles.Owner] = owner };
        foreach (var role in BuiltInRoles.Create().Select(r => r.Name).Where(r => r != BuiltInRoles.Owner))
        {
            var member = await app.CreateUserAsync($"{role.ToLowerInvariant()}-{PorticoApp.Unique()}@harbour-logistics.example.com");
            await app.AddMemberAsync(account, member, role);
            customers[role] = member;
        }
        var staff = new Dictionary<StaffRole, PorticoUser>();
        foreach (var role in Enum.GetValues<StaffRole>())
        {
            staff[role] = await app.CreateUserAsync(staffRole: role);
        }
        var type = await app.CreateRequestTypeAsync("Delivery address change " + PorticoApp.Unique());
        var request = await app.CreateRequestAsync(account, owner, type, "Please move the Thursday pallet delivery to the north gate " + PorticoApp.Unique());
        var folder = await app.CreateFolderAsync(account, "Contracts and signed agreements " + PorticoApp.Unique());
        var (document, _) = await app.CreateDocumentAsync(folder, owner, "supply-agreement-2026-signed-by-both-parties.pdf", Encoding.ASCII.GetBytes("Agreement"));
        var integration = await app.CreateIntegrationAsync();
        var invoice = await app.CreateInvoiceAsync(account, integration);
        var order = await app.CreateOrderAsync(account, integration);
        var article = await Portico.Tests.Help.HelpSteps.PublishArticleAsync(app, "How to change a delivery address for a pallet shipped to a warehouse " + PorticoApp.Unique(),
            "Write to us **before** the pallet ships: https://example.com/a-very-long-address-that-would-not-wrap-on-a-narrow-phone-screen-at-all");
        return new TestData(account, owner, staff[StaffRole.Admin], new Dictionary<string, string>
        {
            ["accountId"] = account.Id.ToString(),
            ["id"] = account.Id.ToString(),
            ["requestId"] = request.Id.ToString(),
            ["typeId"] = type.Id.ToString(),
            ["folderId"] = folder.Id.ToString(),
            ["documentId"] = document.Id.ToString(),
            ["invoiceId"] = invoice.Id.ToString(),
            ["orderId"] = order.Id.ToString(),
            ["slug"] = article.Slug,
            ["articleId"] = article.Id.ToString(),
            ["code"] = "404",
        }, customers, staff);
    }

    /// A file name for the route, e.g. a-accountId-contacts.
    /// A real password-reset link, a staff request logged for the test account, a single sign-on provider's page, and a
    /// spent email-change link (which answers 410 with why nothing changed).
    public static async Task<Dictionary<string, (string Url, int Status)>> VisitsAsync(PorticoApp app, TestData data)
    {
        var forgetful = await app.CreateUserAsync();
        var resetLink = await app.WithDbAsync(async (_, services) => Portico.Features.Identity.ResetForgottenPassword.Link(forgetful.Id,
            await services.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PorticoUser>>().GeneratePasswordResetTokenAsync(forgetful)));
        var provider = await Portico.Tests.SingleSignOn.SingleSignOnSteps.AddScimProviderAsync(app);
        return new()
        {
            ["/account/reset-password"] = (resetLink, 200),
            ["/staff/requests/log"] = ($"/staff/requests/log?account={data.Account.Id}", 200),
            ["/staff/sso/{id}"] = ($"/staff/sso/{provider.Saved.Id}", 200),
            ["/account/email/confirm"] = ($"/account/email/confirm?user={data.Owner.Id}&email=moved%40example.com&code=c3BlbnQ", 410),
        };
    }

    public static string Slug(string template) => NonWord().Replace(template, "-").Trim('-') is { Length: > 0 } slug ? slug : "home";

    [GeneratedRegex("[^a-zA-Z0-9]+")]
    private static partial Regex NonWord();
}
