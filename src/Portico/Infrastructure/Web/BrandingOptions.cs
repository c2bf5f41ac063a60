namespace Portico.Infrastructure.Web;

/// How the portal presents itself until a staff Admin saves a brand at /staff/branding, and the public address.
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

    [Required, RegularExpression("^#[0-9a-fA-F]{6}$", ErrorMessage = "Branding:AccentColor must be a colour like #0f766e.")]
    public string AccentColor { get; set; } = "#0f766e";

    /// The address people reach the portal at; links in email start with it.
    [Required, Url(ErrorMessage = "Branding:PublicUrl must be an absolute URL such as https://portal.example.com.")]
    public string PublicUrl { get; set; } = "http://localhost:5000";

    public string Link(string path) => PublicUrl.TrimEnd('/') + path;
}
