using System.Collections.Concurrent;
using System.Reflection;

namespace Portico.Infrastructure.Web;

/// Words for people where the code has identifiers: enum values by their [Display(Name)], durations and
/// ages in hours and minutes, so "InProgress" or "0.00:00" never reach a page. In the current UI language: the English
/// words here are the keys of HumanText.de.resx.
public static class HumanText
{
    private static readonly ConcurrentDictionary<Enum, string?> Names = new();

    /// Set once at start-up from the app's localizer factory; without it (unit tests) the words stay English.
    private static IStringLocalizer? localizer;

    public static void UseLocalizer(IStringLocalizerFactory factory) => localizer = factory.Create(typeof(HumanText));

    private static string T(string english) => localizer?[english] ?? english;

    private static string T(string english, params object[] arguments) =>
        localizer?[english, arguments] ?? string.Format(CultureInfo.CurrentCulture, english, arguments);

    /// Shared words of the catalogues (permissions) and of static helpers without a localizer of their own.
    public static string Localize(string english, params object[] arguments) => arguments.Length == 0 ? T(english) : T(english, arguments);

    /// The value's [Display(Name)]; null when the member has none (tests require one on every shown enum).
    public static string? DisplayName(Enum value) => Names.GetOrAdd(value, static v =>
        v.GetType().GetField(v.ToString(), BindingFlags.Public | BindingFlags.Static)?.GetCustomAttribute<DisplayAttribute>()?.GetName());

    public static string Human(this Enum value) => DisplayName(value) is { } name ? T(name) : value.ToString();

    /// "45 min", "2 h 15 min", "3 d 4 h"; under a minute is "under a minute".
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1))
        {
            return T("under a minute");
        }
        if (span.TotalDays >= 1)
        {
            return span.Hours == 0 ? T("{0} d", (int)span.TotalDays) : T("{0} d {1} h", (int)span.TotalDays, span.Hours);
        }
        if (span.TotalHours >= 1)
        {
            return span.Minutes == 0 ? T("{0} h", (int)span.TotalHours) : T("{0} h {1} min", (int)span.TotalHours, span.Minutes);
        }
        return T("{0} min", span.Minutes);
    }

    /// How long a link works: "24 hours", "1 hour", "15 minutes".
    public static string Lifetime(TimeSpan span) => span.TotalHours >= 1
        ? (span.TotalHours >= 1.5 ? T("{0} hours", Math.Round(span.TotalHours)) : T("1 hour"))
        : T("{0} minutes", Math.Round(Math.Max(1, span.TotalMinutes)));

    /// How long ago (or how far ahead) a moment is, in the largest whole unit: "3 hours ago", "in 2 days".
    public static string Relative(DateTime at, DateTime now)
    {
        var span = now - at;
        var future = span < TimeSpan.Zero;
        var size = future ? -span : span;
        if (size < TimeSpan.FromMinutes(1))
        {
            return T("just now");
        }
        var (count, unit) = size.TotalHours < 1 ? ((int)size.TotalMinutes, "minute")
            : size.TotalDays < 1 ? ((int)size.TotalHours, "hour")
            : size.TotalDays < 30 ? ((int)size.TotalDays, "day")
            : size.TotalDays < 365 ? ((int)(size.TotalDays / 30), "month")
            : ((int)(size.TotalDays / 365), "year");
        // One key per unit, number and direction ("{0} days ago", "in {0} day"): languages differ in all three.
        var words = count == 1 ? $"{{0}} {unit}" : $"{{0}} {unit}s";
        return T(future ? $"in {words}" : $"{words} ago", count);
    }
}
