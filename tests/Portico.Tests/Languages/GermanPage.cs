namespace Portico.Tests.Languages;

/// A page that reads in German when the browser asks for it and in English otherwise: who opens it, what must exist first,
/// its address, and (where, German, English) texts it shows. "{0}" in a text stands for the name of what was made.
public sealed record GermanPage(string Name, Reader Reader, Needs Needs, Func<Made, string> Url, params (Where Where, string German, string English)[] Texts)
{
    public async Task AssertReadsInGermanAsync(PorticoApp app)
    {
        var (made, client) = await app.OpenAsync(Needs, Reader);
        using (client)
        {
            await client.AssertGermanAndEnglishAsync(Url(made),
                [.. Texts.Select(t => (t.Where, Named(t.German, made), Named(t.English, made)))]);
        }
    }

    private static string Named(string text, Made made) => string.Format(CultureInfo.InvariantCulture, text, made.Name);

    public override string ToString() => Name;
}
