using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Portico.Infrastructure.Web;

/// The portal's interface languages. English is the text in the code itself; every other language is a
/// `.de.resx` (and so on) beside the page or class whose text it translates.
public static class Languages
{
    public static readonly CultureInfo[] Supported = [CultureInfo.GetCultureInfo("en"), CultureInfo.GetCultureInfo("de")];

    public static IServiceCollection AddLanguages(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Supported[0]);
            o.SupportedCultures = Supported;
            o.SupportedUICultures = Supported;
            // Only the browser's Accept-Language for now: no query string or cookie can switch a person's language.
            o.RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }
}
