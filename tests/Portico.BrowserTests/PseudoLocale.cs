using System.Data.Common;
using System.Net;
using Microsoft.Extensions.Configuration;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore.Metadata;
using Xunit.Abstractions;
using static Portico.BrowserTests.EveryPage;

namespace Portico.BrowserTests;

/// The portal with the pseudo-language "qps-ploc" turned on: every text that goes through a localizer comes out
/// accented and bracketed ("[Śîĝñ îñ]").
public sealed class PseudoLocaleApp : PorticoApp
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["Languages:Pseudo"] = "true" };
}

/// Every page the anonymous visitor and a customer account Owner can open, fetched in the pseudo-language (over HTTP,
/// no browser needed): English words left in the text or in the visible attributes are interface text that is not
/// translated. Only the routes named in <see cref="StillToTranslate"/> may still have some; that list only shrinks.
///
/// What counts as data, not interface text: any string stored in the database (every text column of every table, so
/// names, subjects, file names, role names, currencies, user agents), the portal's name from the settings, the IANA
/// zone ids, languages by their own names, and whatever looks like an email address, a web address, a number, a date or
/// a time; and the contents of &lt;code&gt;, &lt;script&gt; and &lt;style&gt;. A text node that is part of one stored
/// string is data as a whole (a help article's paragraphs); otherwise the stored strings are cut out of it and any word
/// of two or more plain ASCII letters left is English.
public sealed partial class PseudoLocale(PseudoLocaleApp app, ITestOutputHelper output) : IClassFixture<PseudoLocaleApp>
{
    /// Pages translated on other branches or later: each still shows English. Remove a route once its page is translated.
    private static readonly HashSet<string> StillToTranslate = new(StringComparer.Ordinal)
    {
    };

    private static readonly string[] VisibleAttributes = ["title", "aria-label", "placeholder", "alt"];

    /// Staff console pages still in English, translated on other branches: remove a route once its page is translated.
    private static readonly HashSet<string> StaffStillToTranslate = new(StringComparer.Ordinal)
    {
    };

    [Fact]
    public async Task Every_page_of_the_anonymous_visitor_and_a_customer_shows_no_English_interface_text_in_the_pseudo_language()
    {
        var data = await CreateDataAsync(app);
        var anonymous = app.Anonymous();
        var owner = await app.SignInAsync(data.Owner);
        await AssertNoEnglishAsync(data, r => !r.Staff, [(anonymous, "anonymous", r => r.Anonymous), (owner, "Owner", r => !r.Anonymous)], StillToTranslate);
    }

    [Fact]
    public async Task Every_staff_console_page_shows_no_English_interface_text_in_the_pseudo_language()
    {
        var data = await CreateDataAsync(app);
        var admin = await app.SignInAsync(data.Admin);
        await AssertNoEnglishAsync(data, r => r.Staff, [(admin, "staff Admin", _ => true)], StaffStillToTranslate);
    }

    private async Task AssertNoEnglishAsync(TestData data, Func<PageRoute, bool> walked, (PorticoClient Client, string Who, Func<PageRoute, bool> Opens)[] visitors,
        HashSet<string> stillToTranslate)
    {
        var routes = Routes(app.Services).Where(walked).ToList();
        var visits = await VisitsAsync(app, data);
        var stored = await StoredStringsAsync();
        var failures = new List<string>();
        var checkedPages = 0;
        foreach (var (client, who, opens) in visitors)
        {
            client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("qps-ploc");
            foreach (var route in routes.Where(opens).Where(r => !Skipped.ContainsKey(r.Template)))
            {
                var (url, status) = visits.TryGetValue(route.Template, out var visit) ? visit : (Fill(route.Pattern, data), 200);
                var response = await client.Http.GetAsync(new Uri(url, UriKind.Relative));
                if ((int)response.StatusCode != status)
                {
                    continue;
                }
                checkedPages++;
                var page = await PorticoClient.ParseAsync(response);
                Assert.Equal("qps-ploc", page.DocumentElement.GetAttribute("lang"), ignoreCase: true);
                var english = EnglishIn(page, stored).ToList();
                if (stillToTranslate.Contains(route.Template))
                {
                    output.WriteLine($"{route.Template} (still to translate): {english.Count} English texts");
                }
                else if (english.Count > 0)
                {
                    failures.Add($"{route.Template} as {who}: {string.Join(" | ", english.Distinct().Take(12))}");
                }
            }
        }
        output.WriteLine($"{checkedPages} pages checked.");
        Assert.True(checkedPages > 10, $"Only {checkedPages} pages answered 200; the walk is not reaching the pages.");
        Assert.True(failures.Count == 0, "English interface text in the pseudo-language:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void A_text_without_a_localizer_is_found_and_data_is_not()
    {
        var stored = new Data(["Harbour Logistics", "Owner"]);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(
            "<html><body><p>[Śîĝñ óúţ]</p><p>Harbour Logistics (Owner)</p><p>a@b.example 2026-12-01 14:30 €1,234.50</p><code>ABCD EFGH</code>"
            + "<button title=\"Remove it\">[Ŕéɱóṽé]</button><p>Sign out</p></body></html>");

        Assert.Equal(["Remove it", "Sign out"], EnglishIn(page, stored));
    }

    private sealed class Data(IEnumerable<string> values)
    {
        private readonly List<string> _values = values.Where(v => v.Length > 0).Distinct().OrderByDescending(v => v.Length).ToList();

        public bool Contains(string text) => _values.Any(v => v.Contains(text, StringComparison.Ordinal));

        public string CutOut(string text) => _values.Where(v => v.Length >= 2).Aggregate(text, (t, v) => t.Replace(v, " ", StringComparison.Ordinal));
    }

    private static IEnumerable<string> EnglishIn(IHtmlDocument page, Data stored)
    {
        foreach (var node in page.Body!.Descendants().Where(n => n is IText || n is IElement))
        {
            if (node is IText text)
            {
                if (text.ParentElement?.Closest("script, style, code") is null && IsEnglish(text.Data, stored))
                {
                    yield return text.Data.Trim();
                }
            }
            else if (node is IElement element)
            {
                foreach (var name in VisibleAttributes)
                {
                    if (element.GetAttribute(name) is { } value && IsEnglish(value, stored))
                    {
                        yield return value.Trim();
                    }
                }
            }
        }
    }

    private static bool IsEnglish(string text, Data stored)
    {
        var t = Regex.Replace(text, @"\s+", " ").Trim();
        if (t.Length == 0 || stored.Contains(t))
        {
            return false;
        }
        t = NotWords().Replace(stored.CutOut(t), " ");
        return EnglishWord().IsMatch(t);
    }

    /// Email and web addresses, GUIDs, numbers with their separators, and the words of times and zones that are data.
    [GeneratedRegex(@"\S+@\S+|https?://\S+|/\S*|[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|\b\d[\d.,:/-]*\b|\bUTC\b")]
    private static partial Regex NotWords();

    [GeneratedRegex(@"\b[A-Za-z]{2,}\b")]
    private static partial Regex EnglishWord();

    /// Every text stored in the app's database, its settings' portal name, the zone ids and the languages' own names.
    private async Task<Data> StoredStringsAsync()
    {
        var values = new List<string>(Portico.Infrastructure.Web.TimeZones.All);
        values.AddRange(Portico.Infrastructure.Web.Languages.OwnNames.Values);
        values.Add(app.Services.GetRequiredService<IConfiguration>()["Branding:PortalName"] ?? "Portico");
        values.Add("Portico");
        await app.WithDbAsync(async (db, _) =>
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && e.GetViewName() is null))
            {
                var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
                foreach (var property in entity.GetProperties().Where(p => (p.GetValueConverter()?.ProviderClrType ?? p.GetProviderClrType() ?? p.ClrType) == typeof(string)))
                {
                    var column = property.GetColumnName(table);
                    if (column is null)
                    {
                        continue;
                    }
                    await using DbCommand command = connection.CreateCommand();
                    command.CommandText = $"SELECT DISTINCT \"{column}\" FROM \"{table.Name}\"";
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                    {
                        if (!reader.IsDBNull(0) && reader.GetValue(0) is string value)
                        {
                            values.Add(value);
                            // Stored Markdown shows as its words: its paragraphs and lines are data too.
                            values.AddRange(value.Split(['\n', '*', '_', '#', '`'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                            // So do the strings inside stored JSON (an order's milestones).
                            values.AddRange(value.Split('"', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                        }
                    }
                }
            }
            return 0;
        });
        return new Data(values);
    }
}
