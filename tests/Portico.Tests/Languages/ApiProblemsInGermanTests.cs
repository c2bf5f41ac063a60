namespace Portico.Tests.Languages;

/// The API's problem titles and details follow Accept-Language; type URIs and field names do not change.
public sealed class ApiProblemsInGermanTests(PorticoApp app) : AppTests
{
    private static async Task<JsonElement> SendAsync(PorticoClient client, HttpRequestMessage request, string? language, HttpStatusCode expected)
    {
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }
        var response = await client.Http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Problem_titles_are_German_with_Accept_Language_de_and_English_without()
    {
        var (account, _, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);
        var missing = $"/api/accounts/{account.Id}/requests/{Guid.NewGuid()}";

        var notFound = await SendAsync(client, new HttpRequestMessage(HttpMethod.Get, missing), "de-DE,de;q=0.9", HttpStatusCode.NotFound);
        var notFoundEnglish = await SendAsync(client, new HttpRequestMessage(HttpMethod.Get, missing), null, HttpStatusCode.NotFound);
        Assert.Equal("Nicht gefunden", notFound.GetProperty("title").GetString());
        Assert.Equal("Not Found", notFoundEnglish.GetProperty("title").GetString());
        Assert.Equal(notFoundEnglish.GetProperty("type").GetString(), notFound.GetProperty("type").GetString());

        HttpRequestMessage Unreadable() => new(HttpMethod.Post, $"/api/accounts/{account.Id}/requests")
        {
            Content = new StringContent("{\"typeId\": 12}", Encoding.UTF8, "application/json"),
        };
        var invalid = await SendAsync(client, Unreadable(), "de", HttpStatusCode.BadRequest);
        var invalidEnglish = await SendAsync(client, Unreadable(), null, HttpStatusCode.BadRequest);
        Assert.Equal("Eine oder mehrere Angaben sind ungültig.", invalid.GetProperty("title").GetString());
        Assert.Equal("One or more validation errors occurred.", invalidEnglish.GetProperty("title").GetString());
        var field = invalidEnglish.GetProperty("errors").EnumerateObject().Single().Name;
        Assert.Equal("Dieser Wert konnte nicht gelesen werden; prüfen Sie seinen Typ anhand der API-Beschreibung.", invalid.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.Equal("This value could not be read; check its type against the API description.", invalidEnglish.GetProperty("errors").GetProperty(field)[0].GetString());

        HttpRequestMessage WithBell() => new(HttpMethod.Post, $"/api/accounts/{account.Id}/requests")
        {
            Content = new StringContent("{\"subject\": \"Ring\\u0007\"}", Encoding.UTF8, "application/json"),
        };
        static string FirstError(JsonElement problem) => problem.GetProperty("errors").EnumerateObject().Single().Value[0].GetString()!;
        Assert.Contains("enthält ein Steuerzeichen (U+0007)", FirstError(await SendAsync(client, WithBell(), "de", HttpStatusCode.BadRequest)), StringComparison.Ordinal);
        Assert.Contains("contains a control character (U+0007)", FirstError(await SendAsync(client, WithBell(), null, HttpStatusCode.BadRequest)), StringComparison.Ordinal);
    }
}
