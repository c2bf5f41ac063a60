using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Xunit.Abstractions;

namespace Portico.BrowserTests;

/// Every page the app serves, found from its own endpoint list so a new page is covered without being listed here,
/// opened on a phone as the person who would use it: nothing may be wider than the screen.
public sealed partial class NarrowScreens(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    /// Pages that only show their real content for a single-use token sent by email; a made-up token shows nothing of them.
    private static readonly Dictionary<string, string> Skipped = new()
    {
        ["/invitations/{token}"] = "needs the single-use token from an invitation email",
        ["/setup/{token}"] = "needs the single-use token from a staff setup email",
    };

    [Fact]
    public async Task Every_page_fits_a_390_and_a_320_px_wide_phone_without_scrolling_sideways()
    {
        var app = fixture.App;
        var data = await CreateDataAsync(app);
        var pages = PageRoutes(app.Services);
        Assert.Contains(pages, p => p.Template == "/a/{accountId}/contacts");

        await using var anonymous = await fixture.NewContextAsync();
        await using var customer = await fixture.NewContextAsync();
        await using var staff = await fixture.NewContextAsync();
        var anonymousPage = await anonymous.NewPageAsync();
        var customerPage = await customer.NewPageAsync();
        var staffPage = await staff.NewPageAsync();
        await SignInAsync(customerPage, data.Owner);
        await SignInAsync(staffPage, data.Admin);

        var checkedPages = new List<string>();
        var tooWide = new List<string>();
        foreach (var route in pages)
        {
            if (Skipped.TryGetValue(route.Template, out var reason))
            {
                checkedPages.Add($"{route.Template} | skipped: {reason}");
                continue;
            }
            var (page, who) = route.Anonymous ? (anonymousPage, "anonymous")
                : route.Template.StartsWith("/staff", StringComparison.Ordinal) ? (staffPage, "staff Admin")
                : (customerPage, "customer Owner");
            var url = Fill(route.Pattern, data);
            foreach (var width in new[] { 390, 320 })
            {
                await page.SetViewportSizeAsync(width, 844);
                var response = await page.GotoAsync(url);
                var status = response?.Status ?? 0;
                var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
                checkedPages.Add($"{route.Template} | {url} | {who} | {width} px | HTTP {status} | {new Uri(page.Url).PathAndQuery} | page {scrollWidth} px");
                if (scrollWidth > width)
                {
                    tooWide.Add($"{url} ({route.Template}, as {who}) is {scrollWidth} px wide at {width} px; widest parts: " + await page.EvaluateAsync<string>(WidestParts));
                }
                if (width == 390)
                {
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"phone-{Slug(route.Template)}.png"), FullPage = true });
                }
            }
        }
        output.WriteLine(string.Join("\n", checkedPages));

        // The desktop look, for a person to compare; not asserted.
        await customerPage.SetViewportSizeAsync(1280, 900);
        await customerPage.GotoAsync($"/a/{data.Account.Id}/contacts");
        await customerPage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "desktop-contacts.png"), FullPage = true });
        await staffPage.SetViewportSizeAsync(1280, 900);
        await staffPage.GotoAsync($"/staff/accounts/{data.Account.Id}");
        await staffPage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "desktop-staff-account.png"), FullPage = true });

        Assert.True(tooWide.Count == 0, $"{tooWide.Count} page views are wider than the phone:\n" + string.Join("\n", tooWide));
    }

    [Fact]
    public async Task On_a_phone_the_header_is_one_line_and_the_menu_button_opens_the_navigation_and_the_persons_links()
    {
        var app = fixture.App;
        var data = await CreateDataAsync(app);
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, data.Owner);

        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"/a/{data.Account.Id}");
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeHiddenAsync();
        var header = await page.GetByRole(AriaRole.Banner).BoundingBoxAsync();
        Assert.True(header!.Height <= 64, $"The header takes {header.Height} px of the phone's height.");

        await menu.ClickAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Account", new() { Exact = true })).ToBeVisibleAsync();
        await navigation.GetByRole(AriaRole.Link, new() { Name = "Contacts" }).ClickAsync();

        // Contacts stack as label: value rows, so each person's role and the Remove button show without scrolling sideways.
        var contact = page.GetByTestId("contact").Filter(new() { HasText = data.Owner.Email! });
        await Assertions.Expect(contact).ToContainTextAsync("Role");
        var remove = contact.GetByRole(AriaRole.Button, new() { Name = "Remove" });
        await remove.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(remove).ToBeInViewportAsync();
        var box = await remove.BoundingBoxAsync();
        Assert.True(box!.X + box.Width <= 390, $"The Remove button ends at {box.X + box.Width} px, past the screen.");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));

        // On a desktop there is no Menu button: everything shows at once.
        await page.SetViewportSizeAsync(1280, 900);
        await Assertions.Expect(menu).ToBeHiddenAsync();
        await Assertions.Expect(navigation).ToBeVisibleAsync();
    }

    [Fact]
    public async Task On_a_phone_a_table_too_wide_to_stack_scrolls_in_a_named_box_the_keyboard_reaches()
    {
        var app = fixture.App;
        var data = await CreateDataAsync(app);
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, data.Admin);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"/staff/accounts/{data.Account.Id}");

        var table = page.GetByRole(AriaRole.Region, new() { Name = "People with access (scrolls sideways)" });
        await Assertions.Expect(table).ToHaveAttributeAsync("tabindex", "0");
        await table.FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("ArrowRight");
        Assert.True(await table.EvaluateAsync<double>("e => e.scrollLeft") > 0, "The arrow keys do not scroll the table.");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
    }

    /// The right edge of the elements that stick out, leaving out what scrolls inside its own box.
    private const string WidestParts = """
        [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.parentElement.closest('.table-wrap'))
          .map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : '') + ' ' + Math.round(e.getBoundingClientRect().right) + ' px')
          .slice(0, 8).join(', ')
        """;

    private sealed record PageRoute(string Template, RoutePattern Pattern, bool Anonymous);

    private sealed record TestData(Account Account, PorticoUser Owner, PorticoUser Admin, Dictionary<string, string> Values);

    /// Every Razor page the app maps, from the endpoints it actually serves.
    private static List<PageRoute> PageRoutes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => new PageRoute(Template(e.RoutePattern), e.RoutePattern, e.Metadata.GetMetadata<IAllowAnonymous>() is not null))
            .DistinctBy(p => p.Template)
            .OrderBy(p => p.Template, StringComparer.Ordinal)
            .ToList();

    /// The route as written without constraints, e.g. /a/{accountId}/contacts.
    private static string Template(RoutePattern pattern) => "/" + string.Join("/", pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(part => part switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternParameterPart parameter => "{" + parameter.Name + (parameter.IsOptional ? "?" : "") + "}",
        RoutePatternSeparatorPart separator => separator.Content,
        _ => "",
    }))));

    private static string Fill(RoutePattern pattern, TestData data) => "/" + string.Join("/", pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(part => part switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternSeparatorPart separator => separator.Content,
        RoutePatternParameterPart { IsOptional: true } parameter => data.Values.GetValueOrDefault(parameter.Name, ""),
        RoutePatternParameterPart parameter => data.Values.TryGetValue(parameter.Name, out var value) ? value
            : throw new InvalidOperationException($"No test value for {{{parameter.Name}}} in {Template(pattern)}: add one to CreateDataAsync or a reason to Skipped."),
        _ => "",
    })))).TrimEnd('/') is { Length: > 0 } url ? url : "/";

    /// A customer Owner with a request, a document in a folder, an invoice and an order, long names included, and a staff Admin.
    private static async Task<TestData> CreateDataAsync(PorticoApp app)
    {
        var account = await app.CreateAccountAsync("Harbour Logistics and Warehousing International " + PorticoApp.Unique());
        var owner = await app.CreateUserAsync($"owner.with.a.long.address-{PorticoApp.Unique()}@harbour-logistics.example.com");
        await app.AddMemberAsync(account, owner, BuiltInRoles.Owner);
        var colleague = await app.CreateUserAsync($"accounts.payable-{PorticoApp.Unique()}@harbour-logistics.example.com");
        await app.AddMemberAsync(account, colleague, BuiltInRoles.Owner);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        var type = await app.CreateRequestTypeAsync("Delivery address change " + PorticoApp.Unique());
        var request = await app.CreateRequestAsync(account, owner, type, "Please move the Thursday pallet delivery to the north gate " + PorticoApp.Unique());
        var folder = await app.CreateFolderAsync(account, "Contracts and signed agreements " + PorticoApp.Unique());
        var (document, _) = await app.CreateDocumentAsync(folder, owner, "supply-agreement-2026-signed-by-both-parties.pdf", Encoding.ASCII.GetBytes("Agreement"));
        var integration = await app.CreateIntegrationAsync();
        var invoice = await app.CreateInvoiceAsync(account, integration);
        var order = await app.CreateOrderAsync(account, integration);
        var article = await Portico.Tests.Help.HelpSteps.PublishArticleAsync(app, "How to change a delivery address for a pallet shipped to a warehouse " + PorticoApp.Unique(),
            "Write to us **before** the pallet ships: https://example.com/a-very-long-address-that-would-not-wrap-on-a-narrow-phone-screen-at-all");
        return new TestData(account, owner, admin, new Dictionary<string, string>
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
        });
    }

    private static string Slug(string template) => NonWord().Replace(template, "-").Trim('-') is { Length: > 0 } slug ? slug : "home";

    [GeneratedRegex("[^a-zA-Z0-9]+")]
    private static partial Regex NonWord();
}
