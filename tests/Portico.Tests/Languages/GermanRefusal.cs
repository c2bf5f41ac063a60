namespace Portico.Tests.Languages;

/// How a refused form is sent: not at all (the address alone is refused), as a plain form or as multipart, each to its handler
/// if one is named and with the antiforgery token of the page at the address.
public enum Sent { Address, Form, Multipart }

/// Someone whose browser asks for German opens an address or sends a form and is refused: the status, when the test cares,
/// and what the page then says, each (where, German) read from the first element there.
public sealed record GermanRefusal(string Name, Reader Reader, Needs Needs, Func<Made, string> Url, HttpStatusCode? Status,
    (Where Where, string German)[] Says, Sent Sent = Sent.Address, Func<Made, Dictionary<string, string>>? Fields = null, string? Handler = null)
{
    public async Task AssertRefusedInGermanAsync(PorticoApp app)
    {
        var (made, client) = await app.OpenAsync(Needs, Reader);
        using (client.AskingForGerman())
        {
            var page = await SendAsync(client, made);
            foreach (var (where, german) in Says)
            {
                var read = where.Read(page).FirstOrDefault();
                if (where.Part)
                {
                    Assert.Contains(german, read ?? "", StringComparison.Ordinal);
                }
                else
                {
                    Assert.Equal(german, read);
                }
            }
        }
    }

    private async Task<IHtmlDocument> SendAsync(PorticoClient client, Made made)
    {
        var url = Url(made);
        var target = Handler is null ? url : $"{url}?handler={Handler}";
        var fields = Fields?.Invoke(made) ?? [];
        var response = Sent switch
        {
            Sent.Form => await client.PostFormAsync(target, await client.GetPageAsync(url), fields),
            Sent.Multipart => await client.PostMultipartAsync(target, await client.GetPageAsync(url), fields),
            _ => await client.Http.GetAsync(new Uri(url, UriKind.Relative)),
        };
        if (Status is { } status)
        {
            Assert.Equal(status, response.StatusCode);
        }
        return await PorticoClient.ParseAsync(response);
    }

    public override string ToString() => Name;
}
