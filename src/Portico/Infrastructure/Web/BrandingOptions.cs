namespace Portico.Infrastructure.Web;

/// How the portal presents itself to customers; set per installation.
public sealed class BrandingOptions
{
    public const string Section = "Branding";

    [Required, StringLength(80, MinimumLength = 1)]
    public string PortalName { get; set; } = "Portico";

    /// A path under wwwroot or an absolute https URL.
    [StringLength(500)]
    public string LogoUrl { get; set; } = "/img/logo.svg";

    [Required, RegularExpression("^#[0-9a-fA-F]{6}$", ErrorMessage = "Branding:PrimaryColor must be a colour like #1d4ed8.")]
    public string PrimaryColor { get; set; } = "#1d4ed8";

    /// The address people reach the portal at; links in email start with it.
    [Required, Url(ErrorMessage = "Branding:PublicUrl must be an absolute URL such as https://portal.example.com.")]
    public string PublicUrl { get; set; } = "http://localhost:5000";

    public string Link(string path) => PublicUrl.TrimEnd('/') + path;
}

public static class BrandingStyles
{
    /// The brand colour as a stylesheet, because the CSP forbids inline styles.
    public static void MapBrandingStyles(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/branding.css", (Microsoft.Extensions.Options.IOptions<BrandingOptions> options, HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Text($":root {{ --primary: {options.Value.PrimaryColor}; }}\n", "text/css");
        }).AllowAnonymous().ExcludeFromDescription();
}
