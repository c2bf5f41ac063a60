using System.Buffers.Binary;

namespace Portico.Features.Branding;

/// What a brand may hold. Colours must carry white text legibly (WCAG AA for normal text), because buttons,
/// the header of emails and the preview put white text on them.
public static class BrandRules
{
    public const int MaxNameLength = 80;
    public const int MaxPhoneLength = 30;
    public const int MaxFooterLinks = 5;
    public const int MaxLinkLabelLength = 60;
    public const int MaxLinkUrlLength = 500;
    public const double MinimumContrast = 4.5;

    /// WCAG 2 contrast ratio of white text on the colour (#rrggbb).
    public static double ContrastWithWhite(string color) => ContrastRatio(color, "#ffffff");

    /// WCAG 2 contrast ratio between two colours (#rgb or #rrggbb), from 1 to 21.
    public static double ContrastRatio(string a, string b)
    {
        var (la, lb) = (RelativeLuminance(a), RelativeLuminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double RelativeLuminance(string color)
    {
        var hex = color.TrimStart('#');
        if (hex.Length == 3)
        {
            hex = string.Concat(hex.Select(c => $"{c}{c}"));
        }
        var rgb = int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return 0.2126 * Channel(rgb >> 16) + 0.7152 * Channel(rgb >> 8) + 0.0722 * Channel(rgb);

        static double Channel(int value)
        {
            var c = (value & 0xff) / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
    }

    public static bool IsColor(string? value) =>
        value is { Length: 7 } && value[0] == '#' && value.Skip(1).All(char.IsAsciiHexDigit);

    /// Null when white text on the colour is legible; otherwise the refusal, naming the ratio. what: "primary colour" or
    /// "accent colour", translated by text like the messages.
    public static string? CheckColor(string? value, string what, IStringLocalizer text)
    {
        if (!IsColor(value))
        {
            return text["The {0} must be # and six hex digits, like #1d4ed8.", text[what]].Value;
        }
        var ratio = ContrastWithWhite(value!);
        // Rounded down, so a colour just under the limit never reads as 4.50:1.
        var shown = Math.Floor(ratio * 100) / 100;
        return ratio >= MinimumContrast ? null
            : text["White text on the {0} {1} has a contrast ratio of {2:0.00}:1; it needs at least {3:0.0}:1. Choose a darker colour.", text[what], value!, shown, MinimumContrast].Value;
    }

    public static string? CheckPhone(string phone, IStringLocalizer text) =>
        phone.Length > MaxPhoneLength || phone.Any(c => !(char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')' or '.'))
            || phone.Count(char.IsAsciiDigit) < 5
            ? text["The support phone number may hold digits, spaces and + - ( ) . only, with at least 5 digits and at most {0} characters.", MaxPhoneLength].Value
            : null;

    public static string? CheckEmail(string email, IStringLocalizer text) =>
        ChangeEmail.IsWellFormed(email) ? null : text["The support email must be an email address, like help@example.com."].Value;

    public static string? CheckLink(FooterLink link, int number, IStringLocalizer text)
    {
        if (string.IsNullOrWhiteSpace(link.Label) || link.Label.Length > MaxLinkLabelLength)
        {
            return text["Footer link {0} needs a label of 1 to {1} characters.", number, MaxLinkLabelLength].Value;
        }
        return link.Url.Length <= MaxLinkUrlLength && Uri.TryCreate(link.Url, UriKind.Absolute, out var uri)
            && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host) && string.IsNullOrEmpty(uri.UserInfo)
            ? null
            : text["Footer link {0} must be an https address, like https://example.com/terms (at most {1} characters).", number, MaxLinkUrlLength].Value;
    }
}

/// An uploaded logo or favicon, recognised by its bytes: PNG, JPEG or WebP with sane dimensions. SVG is refused,
/// because it can carry script.
public static class BrandImageCheck
{
    public sealed record Limits(string What, int MaxBytes, int MinSide, int MaxSide);

    public static readonly Limits Logo = new("logo", 512 * 1024, 16, 2048);
    public static readonly Limits Favicon = new("favicon", 64 * 1024, 16, 512);

    /// The content type, or null with the reason the file is refused, in the language of text.
    public static (string? ContentType, string? Error) Check(ReadOnlySpan<byte> bytes, Limits limits, IStringLocalizer text)
    {
        if (bytes.Length == 0)
        {
            return (null, text["The {0} file is empty.", text[limits.What]].Value);
        }
        if (TooLarge(bytes.Length, limits, text) is { } tooLarge)
        {
            return (null, tooLarge);
        }
        var (type, size) = Read(bytes);
        if (type is null)
        {
            return (null, text["The {0} must be a PNG, JPEG or WebP image (SVG is not accepted, as it can carry script).", text[limits.What]].Value);
        }
        if (size is not { } s || s.Width < limits.MinSide || s.Height < limits.MinSide || s.Width > limits.MaxSide || s.Height > limits.MaxSide)
        {
            return (null, size is { } known
                ? text["The {0} must be between {1} and {2} pixels on each side (this one is {3}×{4}).", text[limits.What], limits.MinSide, limits.MaxSide, known.Width, known.Height].Value
                : text["The {0} must be between {1} and {2} pixels on each side; its size could not be read.", text[limits.What], limits.MinSide, limits.MaxSide].Value);
        }
        return (type, null);
    }

    public static string? TooLarge(long length, Limits limits, IStringLocalizer text) => length <= limits.MaxBytes ? null
        : text["The {0} can be at most {1} KB (this one has {2:N0} KB).", text[limits.What], limits.MaxBytes / 1024, (length + 1023) / 1024].Value;

    private static (string? Type, (int Width, int Height)? Size) Read(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ("image/png", b.Length >= 24 && b[12..16].SequenceEqual("IHDR"u8)
                ? Sized(BinaryPrimitives.ReadInt32BigEndian(b[16..]), BinaryPrimitives.ReadInt32BigEndian(b[20..])) : null);
        }
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ("image/jpeg", JpegSize(b));
        }
        if (b.Length >= 16 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8))
        {
            return ("image/webp", WebpSize(b));
        }
        return (null, null);
    }

    private static (int, int)? Sized(long width, long height) => width is > 0 and <= int.MaxValue && height is > 0 and <= int.MaxValue ? ((int)width, (int)height) : null;

    /// The first start-of-frame segment holds the dimensions.
    private static (int, int)? JpegSize(ReadOnlySpan<byte> b)
    {
        var i = 2;
        while (i + 9 < b.Length)
        {
            if (b[i] != 0xFF)
            {
                return null;
            }
            var marker = b[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return Sized(BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..]));
            }
            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
        }
        return null;
    }

    private static (int, int)? WebpSize(ReadOnlySpan<byte> b)
    {
        if (b.Length < 30)
        {
            return null;
        }
        var chunk = b[12..16];
        if (chunk.SequenceEqual("VP8 "u8) && b[23] == 0x9D && b[24] == 0x01 && b[25] == 0x2A)
        {
            return Sized(BinaryPrimitives.ReadUInt16LittleEndian(b[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(b[28..]) & 0x3FFF);
        }
        if (chunk.SequenceEqual("VP8L"u8) && b[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(b[21..]);
            return Sized((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }
        if (chunk.SequenceEqual("VP8X"u8))
        {
            return Sized((b[24] | b[25] << 8 | b[26] << 16) + 1, (b[27] | b[28] << 8 | b[29] << 16) + 1);
        }
        return null;
    }
}
