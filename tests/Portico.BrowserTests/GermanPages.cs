using Deque.AxeCore.Commons;
using Newtonsoft.Json.Linq;
using static Portico.BrowserTests.EveryPage;

namespace Portico.BrowserTests;

/// The account's pages as a browser set to German shows them to the Owner, who may open them all. German words are
/// longer than English ones: headings, buttons and table labels must still fit a phone, with no WCAG 2.1 A or AA violation.
public sealed class GermanPages(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly int[] Widths = [390, 320];

    [Fact]
    public async Task Every_account_page_in_German_fits_390_and_320_px_with_no_WCAG_2_1_AA_violation()
    {
        var data = await CreateDataAsync(fixture.App);
        var routes = Routes(fixture.App.Services).Where(r => r.Template.StartsWith("/a/{accountId}", StringComparison.Ordinal)).ToList();
        Assert.Contains(routes, r => r.Template == "/a/{accountId}/invoices");
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await Browsing.SignInAsync(page, data.Owner);
        // From here on the browser asks for German, as one with Locale de-DE does; signing in above stays as every journey does it.
        await context.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Accept-Language"] = "de-DE,de;q=0.9" });

        var failures = new List<string>();
        var opened = 0;
        foreach (var route in routes)
        {
            var url = Fill(route.Pattern, data);
            var response = await page.GotoAsync(url);
            if (response?.Status != 200 || new Uri(page.Url).AbsolutePath != url)
            {
                continue;
            }
            opened++;
            await page.EvaluateAsync("() => {\n" + Accessibility.AxeScript + "\n}");
            foreach (var width in Widths)
            {
                await page.SetViewportSizeAsync(width, 900);
                await page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))");
                var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
                if (scrollWidth > width)
                {
                    failures.Add($"{url} ({route.Template}) in German at {width} px is {scrollWidth} px wide; widest parts: "
                        + await page.EvaluateAsync<string>(Accessibility.WidestParts));
                }
                var raw = await page.EvaluateAsync<string>("options => axe.run(document, JSON.parse(options)).then(JSON.stringify)", Accessibility.WcagAa);
                failures.AddRange(new AxeResult(JObject.Parse(raw)).Violations.Select(v =>
                    $"{url} ({route.Template}) in German at {width} px: {v.Id} ({v.Impact}) {v.Help}: " + string.Join("; ", v.Nodes.Take(5).Select(n => n.Target))));
            }
        }

        Assert.True(opened > routes.Count / 2, $"Only {opened} of {routes.Count} account pages opened.");
        await page.GotoAsync($"/a/{data.Account.Id}/invoices");
        Assert.Equal("Rechnungen", (await page.Locator("main h1").TextContentAsync())?.Trim());
        Assert.True(failures.Count == 0, $"{failures.Count} problems:\n" + string.Join("\n", failures));
    }
}
