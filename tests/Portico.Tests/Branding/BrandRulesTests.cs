using System.Globalization;
using Microsoft.Extensions.Localization;
using Portico.Features.Branding;

namespace Portico.Tests.Branding;

/// The contrast arithmetic and the image recognition, on their own.
public sealed class BrandRulesTests
{
    [Theory]
    [InlineData("#000000", 21.0)]
    [InlineData("#ffffff", 1.0)]
    [InlineData("#1d4ed8", 6.70)]
    [InlineData("#767676", 4.54)]
    [InlineData("#777777", 4.48)]
    public void White_text_contrast_follows_wcag_relative_luminance(string color, double expected) =>
        Assert.Equal(expected, BrandRules.ContrastWithWhite(color), 2);

    [Fact]
    public void Jpeg_and_webp_are_recognised_by_their_bytes_with_their_dimensions()
    {
        // SOI, an APP0 segment, then a baseline start-of-frame: precision 8, height 40, width 600.
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 40, 0x02, 0x58, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(("image/jpeg", (string?)null), BrandImageCheck.Check(jpeg, BrandImageCheck.Logo, English));
        Assert.Contains("this one is 600×40", BrandImageCheck.Check(jpeg, BrandImageCheck.Favicon, English).Error, StringComparison.Ordinal);

        // RIFF container, extended WebP header with a 64×3000 canvas (stored as size - 1, 24-bit little-endian).
        var webp = "RIFF\0\0\0\0WEBPVP8X"u8.ToArray().Concat(new byte[] { 10, 0, 0, 0, 0, 0, 0, 0, 63, 0, 0, 0xB7, 0x0B, 0 }).ToArray();
        Assert.Contains("this one is 64×3000", BrandImageCheck.Check(webp, BrandImageCheck.Logo, English).Error, StringComparison.Ordinal);
        webp[27] = 99;
        webp[28] = 0;
        Assert.Equal(("image/webp", (string?)null), BrandImageCheck.Check(webp, BrandImageCheck.Logo, English));

        Assert.Contains("PNG, JPEG or WebP", BrandImageCheck.Check("GIF89a\x10\0\x10\0"u8, BrandImageCheck.Logo, English).Error, StringComparison.Ordinal);
    }

    private static readonly IStringLocalizer English = new EnglishText();

    /// Answers every text with its English key, as the portal does where no translation is needed.
    private sealed class EnglishText : IStringLocalizer
    {
        public LocalizedString this[string name] => new(name, name);

        public LocalizedString this[string name, params object[] arguments] => new(name, string.Format(CultureInfo.InvariantCulture, name, arguments));

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }
}
