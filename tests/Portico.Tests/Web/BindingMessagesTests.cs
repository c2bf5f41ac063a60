using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace Portico.Tests.Web;

/// The model binder's own messages, for a value it cannot read at all, are in the reader's language.
public sealed class BindingMessagesTests(PorticoApp app) : AppTests
{
    [Fact]
    public void A_value_the_binder_cannot_read_is_refused_in_German_for_a_German_reader_and_in_English_otherwise()
    {
        var messages = app.Services.GetRequiredService<IOptions<MvcOptions>>().Value.ModelBindingMessageProvider;
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("Der Wert „abc“ ist für dueOn nicht gültig.", messages.AttemptedValueIsInvalidAccessor("abc", "dueOn"));
            Assert.Equal("Für dueOn ist ein Wert erforderlich.", messages.MissingBindRequiredValueAccessor("dueOn"));
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            Assert.Equal("The value 'abc' is not valid for dueOn.", messages.AttemptedValueIsInvalidAccessor("abc", "dueOn"));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
