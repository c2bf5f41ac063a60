using System.Globalization;

namespace Portico.Tests.Web;

/// HumanText keeps one localizer for the whole process, taken from whichever app started last.
public sealed class HumanTextTests(PorticoApp app) : AppTests
{
    [Fact]
    public void An_app_without_the_pseudo_language_still_gives_shared_words_that_an_app_with_it_translates()
    {
        // This app does not accept the pseudo-language; a pseudo-language app in the same process (the browser suite's
        // walk) must still get its shared words ("just now", "9 bytes", status names) translated when this one started last.
        _ = app.Services;
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("qps-ploc");
            Assert.StartsWith("[", HumanText.Localize("just now"), StringComparison.Ordinal);
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("de");
            Assert.Equal("gerade eben", HumanText.Localize("just now"));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
