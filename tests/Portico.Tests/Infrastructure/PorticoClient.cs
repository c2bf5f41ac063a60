using AngleSharp.Html.Parser;

namespace Portico.Tests.Infrastructure;

/// An HttpClient that signs in through the real login form and posts forms with their antiforgery token.
public sealed class PorticoClient(HttpClient http) : IDisposable
{
    private static readonly HtmlParser Parser = new();

    public HttpClient Http { get; } = http;

    public async Task<HttpResponseMessage> LoginAsync(string email, string password)
    {
        var page = await GetPageAsync("/login");
        return await PostFormAsync("/login", page, new Dictionary<string, string>
        {
            ["Form.Email"] = email,
            ["Form.Password"] = password,
        });
    }

    public async Task<IHtmlDocument> GetPageAsync(string url)
    {
        var response = await Http.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ParseAsync(response);
    }

    /// The validation message shown under a form field, after checking the page came back with the expected status.
    public static async Task<string> FieldErrorAsync(HttpResponseMessage response, HttpStatusCode expected, string field)
    {
        Assert.Equal(expected, response.StatusCode);
        var page = await ParseAsync(response);
        return page.QuerySelector($"[data-valmsg-for='{field}']")?.TextContent.Trim() ?? "";
    }

    /// The message a refused action shows above the page, after checking the page came back with the expected status.
    public static async Task<string> ActionErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        var error = (await ParseAsync(response)).QuerySelector("[data-testid=action-error]");
        Assert.NotNull(error);
        return error.TextContent;
    }

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) =>
        await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());

    public static string Token(IHtmlDocument page) =>
        page.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
        ?? throw new InvalidOperationException("The page has no antiforgery token.");

    /// Opens the page as a person would and sends its form, to one of its handlers if named, with the page's antiforgery token.
    public async Task<HttpResponseMessage> SubmitAsync(string url, IDictionary<string, string> fields, string? handler = null) =>
        await PostFormAsync(handler is null ? url : $"{url}?handler={handler}", await GetPageAsync(url), fields);

    public Task<HttpResponseMessage> PostFormAsync(string url, IHtmlDocument tokenSource, IDictionary<string, string> fields)
    {
        var values = new List<KeyValuePair<string, string>>(fields) { new("__RequestVerificationToken", Token(tokenSource)) };
        return Http.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(values));
    }

    /// Posts a multipart form, as browsers do for forms with file inputs.
    public Task<HttpResponseMessage> PostMultipartAsync(string url, IHtmlDocument tokenSource, IEnumerable<KeyValuePair<string, string>> fields,
        IEnumerable<(string Name, string FileName, byte[] Content)>? files = null)
    {
        var content = new MultipartFormDataContent { { new StringContent(Token(tokenSource)), "__RequestVerificationToken" } };
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }
        foreach (var (name, fileName, bytes) in files ?? [])
        {
            content.Add(new ByteArrayContent(bytes), name, fileName);
        }
        return Http.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    public void Dispose() => Http.Dispose();
}
