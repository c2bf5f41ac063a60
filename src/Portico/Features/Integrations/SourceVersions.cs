namespace Portico.Features.Integrations;

/// What a source sends to say how new a record is: its own version number, its change time, or both.
public interface IVersionedRecord
{
    long? Version { get; }
    DateTime? UpdatedAt { get; }
}

/// A record a source may send as deleted: only its id and version count, and what is stored is removed.
public interface IDeletableRecord
{
    bool? Deleted { get; }
}

/// The version and change time alone, as a delete sends them.
public sealed record SourceStamp(long? Version, DateTime? UpdatedAt) : IVersionedRecord;

/// A stored record that remembers the source version it came from, so an older copy never overwrites it.
public interface ISourceVersioned
{
    long? SourceVersion { get; }
    DateTime? SourceUpdatedAt { get; }
    void CameFrom(long? version, DateTime? updatedAt);
}

public enum SourceOrder
{
    Newer,
    Same,
    Older,
    /// The stored record carries a version or change time the incoming copy does not.
    Incomparable,
}

/// Orders the copies of a record by the source's version (when both have one), else by its change time.
/// Arrival order never decides, so replays, retries and reordered batches cannot roll data back.
public static class SourceVersions
{
    public const string VersionHelp = "The source's version of this record, growing with every change. A copy whose version is lower than the stored one, "
        + "or equal with other content, is not applied and is reported as stale.";
    public const string UpdatedAtHelp = "When the source last changed this record, with a time zone. Used to order copies when either has no version; "
        + "an older or equal change time with other content is reported as stale.";

    public const string DeletedHelp = "true when the source deleted this record: only externalId, version and updatedAt are read. The record is removed and "
        + "its version kept, so an older copy sent later is stale instead of bringing it back.";

    /// How far ahead of the portal's clock a change time may be; further and it would freeze the record until then.
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromHours(1);

    /// Change times are kept to the microsecond, what PostgreSQL stores, so a replay compares equal on every database.
    public static DateTime? Normalize(DateTime? at) =>
        at is not { } value ? null : new DateTime(value.ToUniversalTime().Ticks / 10 * 10, DateTimeKind.Utc);

    public static void Check(IVersionedRecord record, DateTime now, Dictionary<string, string> errors)
    {
        if (record.Version is < 0)
        {
            errors["version"] = "version must be 0 or more.";
        }
        if (record.UpdatedAt is { } at)
        {
            if (at.Kind == DateTimeKind.Unspecified)
            {
                errors["updatedAt"] = "updatedAt needs a time zone, for example 2026-12-01T09:30:00Z.";
            }
            else if (at.ToUniversalTime() > now + FutureTolerance)
            {
                errors["updatedAt"] = $"updatedAt is more than {FutureTolerance.TotalMinutes:0} minutes ahead of the portal's clock; check the source's clock.";
            }
        }
    }

    public static SourceOrder Compare(ISourceVersioned stored, IVersionedRecord incoming)
    {
        if (stored.SourceVersion is null && stored.SourceUpdatedAt is null)
        {
            return SourceOrder.Newer;
        }
        if (stored.SourceVersion is { } storedVersion && incoming.Version is { } version)
        {
            return Order(version.CompareTo(storedVersion));
        }
        if (stored.SourceUpdatedAt is { } storedAt && Normalize(incoming.UpdatedAt) is { } at)
        {
            return Order(at.CompareTo(storedAt));
        }
        return SourceOrder.Incomparable;
    }

    public static string Describe(long? version, DateTime? updatedAt) =>
        string.Join(", ", new[] { version is { } v ? $"version {v}" : null, updatedAt is { } at ? $"updatedAt {at:yyyy-MM-ddTHH:mm:ss.ffffffZ}" : null }.OfType<string>())
        is { Length: > 0 } text ? text : "no version";

    private static SourceOrder Order(int comparison) => comparison > 0 ? SourceOrder.Newer : comparison == 0 ? SourceOrder.Same : SourceOrder.Older;
}
