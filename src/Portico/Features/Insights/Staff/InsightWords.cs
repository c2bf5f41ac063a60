namespace Portico.Features.Insights.Staff;

/// The figures' words and numbers as the insights pages show them, in the reader's language. InsightFormat stays as the
/// CSV writes them: a file for spreadsheets, in English with invariant numbers.
public static class InsightWords
{
    /// "within 2 h", "over 30 days": the response band a p50 or p90 falls in.
    public static string Band(this IStringLocalizer<InsightFormatText> text, int? band) => band switch
    {
        null => "–",
        { } b when b >= ResponseBands.UpperMinutes.Length => text["over {0}", Duration(text, ResponseBands.UpperMinutes[^1])].Value,
        { } b => text["within {0}", Duration(text, ResponseBands.UpperMinutes[b])].Value,
    };

    public static string Average(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.CurrentCulture) : "–";

    public static string Count(double value) => Math.Round(value, MidpointRounding.AwayFromZero).ToString("#,0", CultureInfo.CurrentCulture);

    public static string Count(long value) => value.ToString("#,0", CultureInfo.CurrentCulture);

    public static string Rate(this IStringLocalizer<InsightFormatText> text, double perWeek) =>
        text["{0} a week", perWeek.ToString("0.0", CultureInfo.CurrentCulture)].Value;

    public static string Minutes(this IStringLocalizer<InsightFormatText> text, double? minutes) => minutes switch
    {
        null => "–",
        < 120 => HumanText.Localize("{0} min", minutes.Value.ToString("0", CultureInfo.CurrentCulture)),
        < 2880 => HumanText.Localize("{0} h", (minutes.Value / 60).ToString("0.0", CultureInfo.CurrentCulture)),
        _ => text["{0} days", (minutes.Value / 1440).ToString("0.0", CultureInfo.CurrentCulture)].Value,
    };

    /// The change from the previous range of a share, in percentage points.
    public static string Points(this IStringLocalizer<InsightFormatText> text, double? now, double? before) => now is { } n && before is { } b
        ? text["{0} points", ((n - b) * 100).ToString("+0;−0;±0", CultureInfo.CurrentCulture)].Value
        : "–";

    /// A week as its first and last day, a month by its name.
    public static string Period(DateOnly from, DateOnly to, InsightPeriod period) => period == InsightPeriod.Month
        ? from.ToString("Y", CultureInfo.CurrentCulture)
        : from.ToString("d", CultureInfo.CurrentCulture) + (from == to ? "" : "–" + to.ToString("d", CultureInfo.CurrentCulture));

    private static string Duration(IStringLocalizer<InsightFormatText> text, int minutes) => minutes switch
    {
        < 60 => HumanText.Localize("{0} min", minutes),
        < 1440 => HumanText.Localize("{0} h", minutes / 60),
        _ => minutes / 1440 == 1 ? text["1 day"].Value : text["{0} days", minutes / 1440].Value,
    };
}

/// Names the translations of InsightWords (InsightFormatText.de.resx); a static class cannot.
public sealed class InsightFormatText;
