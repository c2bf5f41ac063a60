namespace Portico.Tests.Infrastructure;

/// Reading a page as a browser set to German does, and checking its texts in German and, without the header, in English.
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

    /// Each (selector, German, English): with Accept-Language de an element matching the selector reads the German text and
    /// none the English one; without the header the English one is there.
    public static async Task AssertGermanAndEnglishAsync(this PorticoClient client, string url, params (string Selector, string German, string English)[] texts)
    {
        var german = await client.GetPageInAsync(url, "de-DE,de;q=0.9,en;q=0.5");
        var english = await client.GetPageInAsync(url, null);
        foreach (var (selector, de, en) in texts)
        {
            Assert.Contains(de, Texts(german, selector));
            Assert.DoesNotContain(en, Texts(german, selector));
            Assert.Contains(en, Texts(english, selector));
        }
    }

    /// A new account's Owner reads the account's page at path(accountId) in German and in English.
    public static async Task AssertOwnerReadsInGermanAsync(this PorticoApp app, Func<Guid, string> path, params (string Selector, string German, string English)[] texts)
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var client = await app.SignInAsync(owner);
        await client.AssertGermanAndEnglishAsync(path(account.Id), texts);
    }

    private static List<string> Texts(IHtmlDocument page, string selector) =>
        page.QuerySelectorAll(selector).Select(e => e.TextContent.Trim()).ToList();
}
