using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace Portico.Infrastructure.Web;

/// Words for people where the code has identifiers: enum values by their [Display(Name)], durations and
/// ages in hours and minutes, so "InProgress" or "0.00:00" never reach a page.
public static class HumanText
{
    private static readonly ConcurrentDictionary<Enum, string?> Names = new();

    /// The value's [Display(Name)]; null when the member has none (tests require one on every shown enum).
    public static string? DisplayName(Enum value) => Names.GetOrAdd(value, static v =>
        v.GetType().GetField(v.ToString(), BindingFlags.Public | BindingFlags.Static)?.GetCustomAttribute<DisplayAttribute>()?.GetName());

    public static string Human(this Enum value) => DisplayName(value) ?? value.ToString();

    /// "45 min", "2 h 15 min", "3 d 4 h"; under a minute is "under a minute".
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.FromMinutes(1))
        {
            return "under a minute";
        }
        if (span.TotalDays >= 1)
        {
            return span.Hours == 0 ? $"{(int)span.TotalDays} d" : $"{(int)span.TotalDays} d {span.Hours} h";
        }
        if (span.TotalHours >= 1)
        {
            return span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min";
        }
        return $"{span.Minutes} min";
    }

    /// How long ago (or how far ahead) a moment is, in the largest whole unit: "3 hours ago", "in 2 days".
    public static string Relative(DateTime at, DateTime now)
    {
        var span = now - at;
        var future = span < TimeSpan.Zero;
        var size = future ? -span : span;
        if (size < TimeSpan.FromMinutes(1))
        {
            return "just now";
        }
        var (count, unit) = size.TotalHours < 1 ? ((int)size.TotalMinutes, "minute")
            : size.TotalDays < 1 ? ((int)size.TotalHours, "hour")
            : size.TotalDays < 30 ? ((int)size.TotalDays, "day")
            : size.TotalDays < 365 ? ((int)(size.TotalDays / 30), "month")
            : ((int)(size.TotalDays / 365), "year");
        var words = string.Create(CultureInfo.InvariantCulture, $"{count} {unit}{(count == 1 ? "" : "s")}");
        return future ? $"in {words}" : $"{words} ago";
    }
}
