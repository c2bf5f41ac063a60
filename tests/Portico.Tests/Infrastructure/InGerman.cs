namespace Portico.Tests.Infrastructure;

/// Where a text stands on a page: the whole text of an element the selector matches, only a part of it, or one of its attributes.
public sealed record Where(string Selector, string? Attribute = null, bool Part = false)
{
    public static implicit operator Where(string selector) => FromSelector(selector);

    public static Where FromSelector(string selector) => new(selector);

    /// The texts of every matching element, trimmed.
    public List<string> Read(IHtmlDocument page) =>
        page.QuerySelectorAll(Selector).Select(e => ((Attribute is null ? e.TextContent : e.GetAttribute(Attribute)) ?? "").Trim()).ToList();

    /// Whether the text read there is the given one (or, for a part, holds it).
    public bool Is(string? read, string text) => read is not null && (Part ? read.Contains(text, StringComparison.Ordinal) : read == text);

    public override string ToString() => Selector + (Attribute is null ? "" : $" [{Attribute}]") + (Part ? " (part)" : "");
}

/// Reading the portal as a browser set to German does, and checking its texts in German and, without the header, in English.
public static class InGerman
{
    public const string Headings = "main h1, main h2, main h3";
    public const string Buttons = "main button, main a.button";
    public const string TableHeaders = "main th";

    /// Every request of this client asks for German from now on, as the browser's Accept-Language does.
    public static PorticoClient AskingForGerman(this PorticoClient client)
    {
        client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de-DE");
        client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de;q=0.9");
        return client;
    }

    public static async Task<IHtmlDocument> GetPageInAsync(this PorticoClient client, string url, string? language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }
        var response = await client.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await PorticoClient.ParseAsync(response);
    }

    /// Each (where, German, English): with Accept-Language de a text there reads the German and none the English;
    /// without the header one reads the English.
    public static async Task AssertGermanAndEnglishAsync(this PorticoClient client, string url, params (Where Where, string German, string English)[] texts)
    {
        var german = await client.GetPageInAsync(url, "de-DE,de;q=0.9,en;q=0.5");
        var english = await client.GetPageInAsync(url, null);
        foreach (var (where, de, en) in texts)
        {
            AssertReads(german, where, de, "German", true);
            AssertReads(german, where, en, "German", false);
            AssertReads(english, where, en, "English", true);
        }
    }

    private static void AssertReads(IHtmlDocument page, Where where, string text, string language, bool expected)
    {
        var read = where.Read(page);
        Assert.True(read.Any(r => where.Is(r, text)) == expected,
            $"In {language}, {where} should {(expected ? "" : "not ")}read “{text}”; it reads: {string.Join(" | ", read)}");
    }
}
