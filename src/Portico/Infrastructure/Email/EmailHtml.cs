using System.Text.Encodings.Web;
using System.Text.RegularExpressions;

namespace Portico.Infrastructure.Email;

/// How email presents the portal: its name and colour. The portal's stored brand provides it; without one, the Branding settings.
public sealed record EmailBrand(string PortalName, string Color, string PublicUrl);

public interface IEmailBrand
{
    Task<EmailBrand> GetAsync(CancellationToken ct);
}

internal sealed class ConfiguredEmailBrand(IOptions<BrandingOptions> options) : IEmailBrand
{
    public Task<EmailBrand> GetAsync(CancellationToken ct) =>
        Task.FromResult(new EmailBrand(options.Value.PortalName, options.Value.PrimaryColor, options.Value.PublicUrl));
}

/// The HTML part of every email, made from its plain text: the same words, HTML-encoded, under a header in the portal's
/// colour, with links into the portal as buttons. Other addresses (a customer's message may hold any) stay plain text,
/// so nobody can dress up a link of their own as the portal's.
public static partial class EmailHtml
{
    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex Address();

    public static string Render(string subject, string text, EmailBrand brand)
    {
        var encode = HtmlEncoder.Default;
        var color = brand.Color.Length == 7 && brand.Color[0] == '#' && brand.Color.Skip(1).All(char.IsAsciiHexDigit) ? brand.Color : "#1d4ed8";
        var portal = brand.PublicUrl.TrimEnd('/') + "/";
        var body = new StringBuilder();
        foreach (var paragraph in text.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            body.Append("<p style=\"margin:0 0 16px\">");
            var lines = paragraph.Split('\n');
            for (var l = 0; l < lines.Length; l++)
            {
                if (l > 0)
                {
                    body.Append("<br>");
                }
                var line = lines[l];
                var at = 0;
                foreach (Match link in Address().Matches(line))
                {
                    var url = link.Value.TrimEnd('.', ',', ')', ';');
                    if (!url.StartsWith(portal, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }
                    body.Append(encode.Encode(line[at..link.Index]));
                    body.Append("</p><p style=\"margin:0 0 16px\"><a href=\"").Append(encode.Encode(url))
                        .Append("\" style=\"display:inline-block;background:").Append(color)
                        .Append(";color:#ffffff;text-decoration:none;font-weight:bold;padding:10px 18px;border-radius:6px\">")
                        .Append(encode.Encode(HumanText.Localize("Open in {0}", brand.PortalName))).Append("</a><br><span style=\"font-size:12px;color:#4b5563;word-break:break-all\">")
                        .Append(encode.Encode(url)).Append("</span></p><p style=\"margin:0 0 16px\">");
                    at = link.Index + url.Length;
                }
                body.Append(encode.Encode(line[at..]));
            }
            body.Append("</p>");
        }
        var name = encode.Encode(brand.PortalName);
        return $"""
            <!DOCTYPE html>
            <html lang="{System.Globalization.CultureInfo.CurrentUICulture.Name}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{encode.Encode(subject)}</title></head>
            <body style="margin:0;padding:0;background:#f9fafb;color:#111827;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px 12px">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border:1px solid #d1d5db;border-radius:8px">
            <tr><td style="background:{color};color:#ffffff;padding:16px 24px;font-size:18px;font-weight:bold;border-radius:8px 8px 0 0">{name}</td></tr>
            <tr><td style="padding:24px;font-size:15px;line-height:1.5">{body.Replace("<p style=\"margin:0 0 16px\"></p>", "")}</td></tr>
            </table></td></tr></table></body></html>
            """;
    }
}
