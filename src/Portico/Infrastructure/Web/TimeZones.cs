namespace Portico.Infrastructure.Web;

/// A person's time zone, an IANA id ("Europe/Berlin") kept on their profile and in their sign-in ticket; UTC until known.
public static class TimeZones
{
    /// The sign-in ticket's claim holding the person's zone; here beside the other language settings, so the web
    /// plumbing reads it without knowing the Identity feature.
    public const string Claim = "portico:time_zone";

    /// Every IANA zone this machine knows, by id, for the profile's choice.
    public static readonly IReadOnlyList<string> All = TimeZoneInfo.GetSystemTimeZones()
        .Where(z => z.HasIanaId).Select(z => z.Id).Append("UTC").Distinct().Order(StringComparer.Ordinal).ToList();

    /// The zone of an IANA id; null for anything else (Windows ids, offsets, made-up names).
    public static TimeZoneInfo? Find(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 100 && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone) && zone.HasIanaId ? zone : null;

    public static TimeZoneInfo Of(ClaimsPrincipal person) => Find(person.FindFirstValue(Claim)) ?? TimeZoneInfo.Utc;

    /// "01.12.2026 22:41 Europe/Berlin": the moment in the zone, in the current culture's short date and time.
    public static string Exact(DateTime utc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return local.ToString("g", CultureInfo.CurrentCulture) + " " + (zone == TimeZoneInfo.Utc ? "UTC" : zone.Id);
    }
}
