namespace Portico.Infrastructure.Web;

/// Accepted only with Languages:Pseudo (tests): in the pseudo-language every text that goes through a localizer comes out accented
/// and bracketed ("[Śîĝñ îñ]"), so English left on a page is text that does not go through one. Placeholders ({0}) and
/// markup stay as they are.
internal sealed class PseudoLocalizerFactory(IStringLocalizerFactory inner) : IStringLocalizerFactory
{
    public IStringLocalizer Create(Type resourceSource) => new PseudoLocalizer(inner.Create(resourceSource));

    public IStringLocalizer Create(string baseName, string location) => new PseudoLocalizer(inner.Create(baseName, location));

    private sealed class PseudoLocalizer(IStringLocalizer inner) : IStringLocalizer
    {
        private static bool Active => string.Equals(CultureInfo.CurrentUICulture.Name, Languages.PseudoName, StringComparison.OrdinalIgnoreCase);

        public LocalizedString this[string name] => Active ? new(name, Transform(name)) : inner[name];

        public LocalizedString this[string name, params object[] arguments] =>
            Active ? new(name, string.Format(CultureInfo.CurrentCulture, Transform(name), arguments)) : inner[name, arguments];

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);
    }

    private const string Plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Accented = "áƀçđéƒĝĥíĵķĺɱñóƥʠŕśţúṽŵẋýžÁƁÇĐÉƑĜĤÍĴĶĹṀÑÓƤɊŔŚŢÚṼŴẊÝŽ";

    /// Every ASCII letter outside {placeholders}, &amp;entities; and &lt;tags&gt; becomes an accented one.
    public static string Transform(string text)
    {
        var result = new StringBuilder(text.Length + 2).Append('[');
        char? closing = null;
        foreach (var c in text)
        {
            if (closing is null && c is '{' or '<' or '&')
            {
                closing = c switch { '{' => '}', '<' => '>', _ => ';' };
            }
            else if (closing == c)
            {
                closing = null;
                result.Append(c);
                continue;
            }
            var at = Plain.IndexOf(c, StringComparison.Ordinal);
            result.Append(closing is null && at >= 0 ? Accented[at] : c);
        }
        return result.Append(']').ToString();
    }
}
