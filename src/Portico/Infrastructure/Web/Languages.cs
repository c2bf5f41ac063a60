using Microsoft.AspNetCore.Localization;

namespace Portico.Infrastructure.Web;

public sealed class LanguageOptions
{
    public const string Section = "Languages";

    /// Adds the pseudo-language "qps-ploc", whose every text is the English one accented and bracketed, so a test can
    /// find interface text that is not translated. Only for tests; never set in production.
    public bool Pseudo { get; set; }
}

/// The portal's interface languages. English is the text in the code itself; every other language is a
/// `.de.resx` (and so on) beside the page or class whose text it translates (docs/adr/0020).
public static class Languages
{
    public const string LanguageClaim = "portico:language";
    public const string PseudoName = "qps-ploc";

    public static readonly CultureInfo[] Supported = [English(), CultureInfo.GetCultureInfo("de")];

    /// English with the portal's unambiguous dates and 24-hour times (2026-12-01 14:30) rather than the US ones
    /// (12/1/2026 2:30 PM): English readers are anywhere. German keeps its own (01.12.2026 14:30).
    private static CultureInfo English()
    {
        var english = new CultureInfo("en");
        english.DateTimeFormat.ShortDatePattern = "yyyy-MM-dd";
        english.DateTimeFormat.ShortTimePattern = "HH:mm";
        english.DateTimeFormat.LongTimePattern = "HH:mm:ss";
        return CultureInfo.ReadOnly(english);
    }

    /// Each language by its own name, as the profile offers them.
    public static readonly IReadOnlyDictionary<string, string> OwnNames = new Dictionary<string, string> { ["en"] = "English", ["de"] = "Deutsch" };

    /// "en" or "de" for a supported language, else null.
    public static string? Normalize(string? language) =>
        Supported.FirstOrDefault(c => string.Equals(c.Name, language?.Trim(), StringComparison.OrdinalIgnoreCase))?.Name;

    public static IServiceCollection AddLanguages(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<LanguageOptions>(configuration, LanguageOptions.Section);
        var pseudo = configuration.GetSection(LanguageOptions.Section).Get<LanguageOptions>()?.Pseudo == true;
        services.AddLocalization();
        // Wrapped whether or not the pseudo-language is on: it is inert unless the request's language is qps-ploc, which
        // only Languages:Pseudo accepts, and HumanText keeps one localizer for the whole process, so every app started in
        // it (tests start several) must translate alike.
        var inner = services.Single(d => d.ServiceType == typeof(IStringLocalizerFactory));
        services.Remove(inner);
        services.AddSingleton<IStringLocalizerFactory>(sp => new PseudoLocalizerFactory(
            (IStringLocalizerFactory)ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)));
        CultureInfo[] cultures = pseudo ? [.. Supported, new CultureInfo(PseudoName)] : Supported;
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Supported[0]);
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            // The person's chosen language, else the browser's; no query string or cookie switches it.
            o.RequestCultureProviders = [new PersonLanguageProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    /// Runs work with the interface language of someone who is not the current request's person (an email's recipient):
    /// their chosen language, else English.
    public static CultureScope For(string? language) => new(Supported.FirstOrDefault(c => c.Name == Normalize(language)) ?? Supported[0]);

    public sealed class CultureScope : IDisposable
    {
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

        internal CultureScope(CultureInfo language)
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = language;
        }

        public void Dispose()
        {
            CultureInfo.CurrentCulture = _culture;
            CultureInfo.CurrentUICulture = _uiCulture;
        }
    }

    /// The language a signed-in person chose on their profile, from their sign-in ticket (no query per request).
    private sealed class PersonLanguageProvider : RequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext) =>
            Task.FromResult(httpContext.User.FindFirstValue(LanguageClaim) is { Length: > 0 } language ? new ProviderCultureResult(language) : null);
    }
}
