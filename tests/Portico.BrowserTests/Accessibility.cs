using Deque.AxeCore.Commons;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;
using static Portico.BrowserTests.EveryPage;

namespace Portico.BrowserTests;

/// Every page, as each person who may open it, on a phone, a tablet and a desktop, in the light theme and at 390 and 1280 px
/// in the dark one: nothing wider than the screen and no WCAG 2.1 A or AA violation that axe-core finds. Writes a table of
/// the results and a screenshot at 390 and 1280 px of each.
public sealed class Accessibility(BrowserFixture fixture, ITestOutputHelper output) : Journey(fixture)
{
    /// Widest first: each page is loaded once per person and the window narrowed, which is quicker than loading it again.
    private static readonly int[] Widths = [1280, 768, 390, 320];
    private static readonly int[] ScreenshotWidths = [390, 1280];
    private static readonly int[] DarkWidths = [1280, 390];
    private static readonly string[] Columns = [.. Widths.Order().Select(w => $"{w} px"), .. DarkWidths.Order().Select(w => $"dark {w} px")];

    internal static readonly string WcagAa = JsonConvert.SerializeObject(new AxeRunOptions
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });

    /// axe-core as the package bundles it. It goes into each page once per load and runs at every width: the package's
    /// RunAxe injects it twice per run and opens a blank page to merge frame results, which the portal's frameless pages do not need.
    internal static readonly string AxeScript = new BundledAxeScriptProvider().GetScript();

    /// Start signs the person in, or takes them as far as the page they are for; without one they sign in with their password.
    private sealed record Person(string Name, PorticoUser? User, Func<PageRoute, bool> Opens, Func<IPage, Task>? Start = null);

    private sealed record Result(PageRoute Route, string Url, string Person, string Outcome, Dictionary<string, (int Overflow, int Violations)> Widths);

    [Fact]
    public async Task Every_page_as_each_person_who_may_open_it_fits_320_390_768_and_1280_px_with_no_WCAG_2_1_AA_violation()
    {
        var app = App;
        var data = await CreateDataAsync(app);
        var routes = Routes(app.Services);
        Assert.Contains(routes, r => r.Template == "/a/{accountId}/contacts");
        Assert.Contains(routes, r => r.Template == "/staff/accounts/{id}");

        // Pages the plain URL does not show: the address that reaches them, and the status they answer with.
        var visits = await VisitsAsync(app, data);
        // Someone in two accounts is the one who sees the start page's account list rather than being sent on.
        var twoAccounts = await app.CreateUserAsync();
        await app.AddMemberAsync(data.Account, twoAccounts, BuiltInRoles.Requester);
        await app.AddMemberAsync(await app.CreateAccountAsync("Second account of the same person " + PorticoApp.Unique()), twoAccounts, BuiltInRoles.Owner);
        // Someone with an authenticator app who has given their password sees the code page.
        var withCode = await app.CreateUserAsync();
        await app.AddMemberAsync(data.Account, withCode, BuiltInRoles.Requester);
        await app.WithDbAsync(async (_, services) =>
        {
            var users = services.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PorticoUser>>();
            var person = await users.FindByIdAsync(withCode.Id.ToString());
            await users.ResetAuthenticatorKeyAsync(person!);
            return await users.SetTwoFactorEnabledAsync(person!, true);
        });

        // Signed-in people try every signed-in page: what one may not open is recorded, not failed.
        List<Person> people =
        [
            new("anonymous", null, r => r.Anonymous),
            .. data.Staff.OrderByDescending(s => s.Key).Select(s => new Person("staff " + s.Key, s.Value, r => !r.Anonymous)),
            .. data.Customers.Select(c => new Person(c.Key, c.Value, r => !r.Anonymous)),
            new("in two accounts", twoAccounts, r => r.Template == "/"),
            new("code due", withCode, r => r.Template == "/login/two-factor", async page =>
            {
                await TryPasswordAsync(page, withCode.Email!);
                await page.WaitForURLAsync("**/login/two-factor**");
            }),
        ];

        var results = new List<Result>();
        var failures = new List<string>();
        // Written as they are found too, so a run stopped part way still tells what it saw.
        await using var problems = new StreamWriter(Path.Combine(BrowserFixture.ScreenshotDirectory, "accessibility-problems.txt")) { AutoFlush = true };
        var screenshots = Path.Combine(BrowserFixture.ScreenshotDirectory, "pages");
        Directory.CreateDirectory(screenshots);
        foreach (var person in people)
        {
            await using var context = await Fixture.NewContextAsync();
            var page = await context.NewPageAsync();
            if (person.Start is not null)
            {
                await person.Start(page);
            }
            else if (person.User is not null)
            {
                await SignInAsync(page, person.User);
            }
            foreach (var route in routes.Where(person.Opens))
            {
                if (Skipped.TryGetValue(route.Template, out var reason))
                {
                    results.Add(new Result(route, "", person.Name, "skipped: " + reason, []));
                    continue;
                }
                var (url, expected) = visits.TryGetValue(route.Template, out var visit) ? visit : (Fill(route.Pattern, data), 200);
                await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Light });
                await page.SetViewportSizeAsync(Widths[0], 900);
                var response = await page.GotoAsync(url);
                var status = response?.Status ?? 0;
                var landed = new Uri(page.Url).AbsolutePath;
                if (status >= 500)
                {
                    await Fail($"{url} ({route.Template}) as {person.Name} answered HTTP {status}.");
                }
                if (status != expected || landed != new Uri(new Uri(Fixture.BaseUrl), url).AbsolutePath)
                {
                    results.Add(new Result(route, url, person.Name, $"may not open: HTTP {status}" + (landed != url ? $", at {landed}" : ""), []));
                    continue;
                }
                await page.EvaluateAsync("() => {\n" + AxeScript + "\n}");
                var measured = new Dictionary<string, (int, int)>();
                foreach (var (width, dark) in Widths.Select(w => (w, false)).Concat(DarkWidths.Select(w => (w, true))))
                {
                    if (dark)
                    {
                        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
                    }
                    await page.SetViewportSizeAsync(width, 900);
                    // The page's resize handlers (a table that now scrolls becomes a named, focusable region) run before the
                    // next frame is drawn: two frames on, the page is as a person resizing the window would see it.
                    await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
                    var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
                    var raw = await page.EvaluateAsync<string>("options => axe.run(document, JSON.parse(options)).then(JSON.stringify)", WcagAa);
                    var axe = new AxeResult(JObject.Parse(raw));
                    measured[(dark ? "dark " : "") + $"{width} px"] = (Math.Max(0, scrollWidth - width), axe.Violations.Length);
                    var where = $"{url} ({route.Template}) as {person.Name} at {width} px" + (dark ? " in the dark theme" : "");
                    if (scrollWidth > width)
                    {
                        await Fail($"{where} is {scrollWidth} px wide; widest parts: " + await page.EvaluateAsync<string>(WidestParts));
                    }
                    foreach (var violation in axe.Violations.Select(v => $"{where}: {v.Id} ({v.Impact}) {v.Help}: "
                        + string.Join("; ", v.Nodes.Take(5).Select(n => n.Target + " — " + string.Join(" ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message))))
                        + (v.Nodes.Length > 5 ? $"; and {v.Nodes.Length - 5} more" : "")))
                    {
                        await Fail(violation);
                    }
                    if (!dark && ScreenshotWidths.Contains(width))
                    {
                        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, $"{Slug(route.Template)}--{Slug(person.Name).ToLowerInvariant()}--{width}.png"), FullPage = true });
                    }
                }
                results.Add(new Result(route, url, person.Name, "opened", measured));
            }
        }

        async Task Fail(string problem)
        {
            failures.Add(problem);
            await problems.WriteLineAsync(problem);
        }

        var table = Table(results);
        await File.WriteAllTextAsync(Path.Combine(BrowserFixture.ScreenshotDirectory, "accessibility.md"), table);
        output.WriteLine(table);

        // Pages no one here could open (they redirect, or need a token or a step before them) stay in the table as such.
        output.WriteLine("Not opened by anyone: " + string.Join(", ", routes.Where(r => !results.Any(x => x.Route == r && x.Outcome == "opened")).Select(r => r.Template)));
        Assert.True(failures.Count == 0, $"{failures.Count} problems:\n" + string.Join("\n", failures));
    }

    /// A markdown table of page × person × width: how many px wider than the screen and how many axe-core violations.
    private static string Table(List<Result> results)
    {
        var text = new StringBuilder();
        text.AppendLine("# Every page at 320, 390, 768 and 1280 px, and in the dark theme at 390 and 1280 px");
        text.AppendLine();
        text.AppendLine("Each cell: px wider than the screen / WCAG 2.1 A and AA violations found by axe-core. Screenshots at 390 and 1280 px (light theme) are in `pages/`.");
        text.AppendLine();
        text.AppendLine("| Page | Person | Opened | " + string.Join(" | ", Columns) + " |");
        text.AppendLine("| --- | --- | --- |" + string.Concat(Columns.Select(_ => " ---: |")));
        foreach (var result in results.OrderBy(r => r.Route.Template, StringComparer.Ordinal))
        {
            text.AppendLine($"| `{result.Route.Template}` | {result.Person} | {result.Outcome} | "
                + string.Join(" | ", Columns.Select(c => result.Widths.TryGetValue(c, out var m) ? $"{m.Overflow} / {m.Violations}" : "")) + " |");
        }
        return text.ToString();
    }

    /// The right edge of the elements that stick out, leaving out what scrolls inside its own box.
    internal const string WidestParts = """
        [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.parentElement.closest('.table-wrap'))
          .map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : '') + ' ' + Math.round(e.getBoundingClientRect().right) + ' px')
          .slice(0, 8).join(', ')
        """;
}
