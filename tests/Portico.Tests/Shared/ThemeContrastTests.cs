namespace Portico.Tests.Shared;

/// Reads the colour tokens from the stylesheet the portal serves and checks WCAG contrast in both themes.
public sealed partial class ThemeContrastTests(PorticoApp app) : AppTests
{
    [GeneratedRegex(@"--(?<name>[a-z-]+):\s*light-dark\((?<light>#[0-9a-fA-F]{3,6}),\s*(?<dark>#[0-9a-fA-F]{3,6})\)")]
    private static partial Regex Pair();

    private async Task<Dictionary<string, (string Light, string Dark)>> TokensAsync()
    {
        using var client = app.CreateClient();
        var css = await client.GetStringAsync(new Uri("/css/site.css", UriKind.Relative));
        return Pair().Matches(css).ToDictionary(m => m.Groups["name"].Value, m => (m.Groups["light"].Value, m.Groups["dark"].Value));
    }

    [Theory]
    [InlineData("text", "bg", 4.5)]
    [InlineData("text", "surface", 4.5)]
    [InlineData("muted", "bg", 4.5)]
    [InlineData("muted", "surface", 4.5)]
    [InlineData("danger", "danger-bg", 4.5)]
    [InlineData("ok", "ok-bg", 4.5)]
    [InlineData("warning", "warning-bg", 4.5)]
    [InlineData("staff", "staff-bg", 4.5)]
    [InlineData("tone-info", "tone-info-bg", 4.5)]
    [InlineData("tone-progress", "tone-progress-bg", 4.5)]
    [InlineData("tone-waiting", "tone-waiting-bg", 4.5)]
    [InlineData("tone-success", "tone-success-bg", 4.5)]
    [InlineData("tone-neutral", "tone-neutral-bg", 4.5)]
    [InlineData("tone-danger", "tone-danger-bg", 4.5)]
    [InlineData("focus", "bg", 3)]
    [InlineData("focus", "surface", 3)]
    public async Task A_colour_token_keeps_its_contrast_in_the_light_and_the_dark_theme(string foreground, string background, double minimum)
    {
        var tokens = await TokensAsync();

        var light = Portico.Features.Branding.BrandRules.ContrastRatio(tokens[foreground].Light, tokens[background].Light);
        var dark = Portico.Features.Branding.BrandRules.ContrastRatio(tokens[foreground].Dark, tokens[background].Dark);

        Assert.True(light >= minimum, $"--{foreground} on --{background} is {light:0.00}:1 in the light theme");
        Assert.True(dark >= minimum, $"--{foreground} on --{background} is {dark:0.00}:1 in the dark theme");
    }
}
