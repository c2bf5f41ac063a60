using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Portico.Features.Insights;

/// Bands of working time that response and resolution times are counted in; percentiles are read as "within" a band.
public static class ResponseBands
{
    /// Upper edges in minutes; the last band is everything longer.
    public static readonly int[] UpperMinutes = [15, 30, 60, 120, 240, 480, 1440, 2880, 4320, 10080, 20160, 43200];

    public static int Of(long seconds)
    {
        for (var i = 0; i < UpperMinutes.Length; i++)
        {
            if (seconds <= UpperMinutes[i] * 60L)
            {
                return i;
            }
        }
        return UpperMinutes.Length;
    }

    public static string Describe(int band)
    {
        if (band >= UpperMinutes.Length)
        {
            return $"over {Duration(UpperMinutes[^1])}";
        }
        return $"within {Duration(UpperMinutes[band])}";
    }

    private static string Duration(int minutes) => minutes switch
    {
        < 60 => $"{minutes} min",
        < 1440 => $"{minutes / 60} h",
        _ => minutes / 1440 == 1 ? "1 day" : $"{minutes / 1440} days",
    };
}

/// Periods an integration was stale (Integration.IsStale), as minutes on each UTC day.
public static class StalePeriods
{
    /// Each UTC day from the one the period began on to the one it ended on, with its minutes in the period. Whole minutes
    /// are counted from the period's start, so the days add up to the period's whole minutes however it is cut.
    public static IEnumerable<(DateOnly Day, long Minutes)> ByDay(DateTime from, DateTime to)
    {
        if (to <= from)
        {
            yield break;
        }
        long Elapsed(DateTime at) => (long)(at - from).TotalMinutes;
        for (var day = DateOnly.FromDateTime(from); day <= DateOnly.FromDateTime(to); day = day.AddDays(1))
        {
            var (start, end) = (day.ToDateTime(TimeOnly.MinValue), day.AddDays(1).ToDateTime(TimeOnly.MinValue));
            yield return (day, Elapsed(to < end ? to : end) - Elapsed(from > start ? from : start));
        }
    }

    /// The stale periods still running now, as figures for the days from one day to another: nothing is recorded until a
    /// sync ends a period, so without these an integration that stays stale would not show. Each is counted on today.
    public static List<DailyFigure> Running(IEnumerable<Integration> integrations, DateTime now, DateOnly from, DateOnly to)
    {
        var today = DateOnly.FromDateTime(now);
        return integrations.Where(i => i.IsStale(now))
            .SelectMany(i => ByDay(i.StaleSince, now).Where(d => d.Day >= from && d.Day <= to)
                .Select(d => new DailyFigure(FigureMetric.MinutesStale, d.Day, Guid.Empty, i.Id, 0, 0, d.Day == today ? 1 : 0, d.Minutes)))
            .ToList();
    }
}

/// What a save adds to the daily figures, read from the change tracker before the save: new key events, requests
/// submitted, first responses and resolutions, ratings, incidents opened and resolved, stale periods a sync ended.
/// Deriving it from the entities means no handler can save one of these and forget its figure.
public sealed class DailyFigureChanges
{
    private readonly Dictionary<(FigureMetric, DateOnly, Guid, Guid, int, int), (long Count, long Total)> figures = [];
    private readonly Dictionary<(Guid Account, Guid Person), (DateTime Active, DateTime? SignIn)> people = [];
    /// Integrations whose new last success came after they went stale by what this context read; when the period began is
    /// read again with the row locked (ReadStalePeriodsAsync).
    private readonly List<(Guid Integration, DateTime Success)> staleEnded = [];

    public bool IsEmpty => figures.Count == 0 && people.Count == 0 && staleEnded.Count == 0;

    public static DailyFigureChanges Collect(ChangeTracker tracker)
    {
        var changes = new DailyFigureChanges();
        // One pass over the tracker (each Entries call detects changes again); requests by id for the ratings.
        var entries = tracker.Entries().ToList();
        var requests = entries.Select(e => e.Entity).OfType<Request>().ToDictionary(r => r.Id);
        foreach (var entry in entries)
        {
            switch (entry.Entity)
            {
                case KeyEvent e when entry.State == EntityState.Added:
                    changes.Add(FigureMetric.KeyEvent, e.OccurredAt, e.AccountId, Guid.Empty, (int)e.Kind, (int)e.Channel);
                    if (e.PersonId is { } person && e.Channel is Channel.Portal or Channel.Api)
                    {
                        changes.Saw(e.AccountId, person, e.OccurredAt, e.Kind == KeyEventKind.SignIn);
                    }
                    break;
                case Request r when entry.State is EntityState.Added or EntityState.Modified:
                    var added = entry.State == EntityState.Added;
                    if (added)
                    {
                        changes.Add(FigureMetric.RequestCreated, r.CreatedAt, r.AccountId, r.TypeId, 0, (int)r.Channel);
                    }
                    if (r.FirstRespondedAt is { } responded && (added || entry.Property(nameof(Request.FirstRespondedAt)).OriginalValue is null))
                    {
                        var seconds = r.FirstResponseSeconds!.Value;
                        changes.Add(FigureMetric.FirstResponse, responded, r.AccountId, r.TypeId, ResponseBands.Of(seconds),
                            responded <= r.FirstResponseDueAt ? 1 : 0, total: seconds);
                    }
                    if (r.ResolvedAt is { } resolved && (added || entry.Property(nameof(Request.ResolvedAt)).OriginalValue is null))
                    {
                        var seconds = r.ResolutionSeconds!.Value;
                        changes.Add(FigureMetric.Resolution, resolved, r.AccountId, r.TypeId, ResponseBands.Of(seconds),
                            resolved <= r.ResolutionDueAt ? 1 : 0, total: seconds);
                    }
                    break;
                case RequestRating rating when entry.State == EntityState.Added:
                    // The rated request is tracked by whoever rates it; its type and assignee at that moment are kept.
                    var request = requests.GetValueOrDefault(rating.RequestId)
                        ?? throw new InvalidOperationException("A rating is saved with its request loaded, so its figures know the request's type.");
                    changes.Add(FigureMetric.RatingByType, rating.RatedAt, rating.AccountId, request.TypeId, rating.Score, 0, total: rating.Score);
                    changes.Add(FigureMetric.RatingByAssignee, rating.RatedAt, rating.AccountId, request.AssigneeId ?? Guid.Empty, rating.Score, 0,
                        total: rating.Score);
                    break;
                case DataQualityIncident i when entry.State is EntityState.Added or EntityState.Modified:
                    var wasOpen = entry.State == EntityState.Modified && entry.Property(nameof(DataQualityIncident.ResolvedAt)).OriginalValue is null;
                    if (entry.State == EntityState.Added || (!wasOpen && i.ResolvedAt is null))
                    {
                        changes.Add(FigureMetric.IncidentOpened, i.LastSeenAt, Guid.Empty, i.IntegrationId, 0, 0);
                    }
                    if (i.ResolvedAt is { } at && (entry.State == EntityState.Added || wasOpen))
                    {
                        changes.Add(FigureMetric.IncidentResolved, at, Guid.Empty, i.IntegrationId, 0, 0,
                            total: (long)Math.Max(0, (at - i.FirstSeenAt).TotalMinutes));
                    }
                    break;
                // One added and synced in the same save was never seen late.
                case Integration i when entry.State == EntityState.Modified && i.LastSuccessAt is { } success:
                    var before = (DateTime?)entry.Property(nameof(Integration.LastSuccessAt)).OriginalValue;
                    var expected = (int)entry.Property(nameof(Integration.ExpectedSyncMinutes)).OriginalValue!;
                    // A sync in time ends no stale period; it is also in time by any later success a parallel save stored.
                    if (success > Integration.StaleFrom(before, i.CreatedAt, expected))
                    {
                        changes.staleEnded.Add((i.Id, success));
                    }
                    break;
            }
        }
        return changes;
    }

    private void Add(FigureMetric metric, DateTime at, Guid account, Guid item, int detail, int channel, long total = 0) =>
        Add(metric, DateOnly.FromDateTime(at), account, item, detail, channel, 1, total);

    private void Add(FigureMetric metric, DateOnly day, Guid account, Guid item, int detail, int channel, long count, long total)
    {
        var key = (metric, day, account, item, detail, channel);
        var (sum, minutes) = figures.GetValueOrDefault(key);
        figures[key] = (sum + count, minutes + total);
    }

    /// The period's minutes on each day it touched, and the period itself counted on the day it ended.
    private void AddStalePeriod(Guid integration, DateTime from, DateTime to)
    {
        var end = DateOnly.FromDateTime(to);
        foreach (var (day, minutes) in StalePeriods.ByDay(from, to))
        {
            Add(FigureMetric.MinutesStale, day, Guid.Empty, integration, 0, 0, day == end ? 1 : 0, minutes);
        }
    }

    /// Reads in the saving transaction, before the save, when each stale period this save ends began, with the
    /// integration's row locked: from what is stored rather than what the context read earlier, so two syncs saved at
    /// once end the period once (the second waits, then finds the first's success and no period).
    public async Task ReadStalePeriodsAsync(PorticoDb db, CancellationToken ct)
    {
        foreach (var (id, success) in staleEnded.OrderBy(e => e.Integration))
        {
            await db.Integrations.Where(i => i.Id == id).ExecuteUpdateAsync(s => s.SetProperty(i => i.LastSuccessAt, i => i.LastSuccessAt), ct);
            var stored = await db.Integrations.AsNoTracking().Where(i => i.Id == id)
                .Select(i => new { i.LastSuccessAt, i.CreatedAt, i.ExpectedSyncMinutes }).SingleOrDefaultAsync(ct);
            if (stored is not null)
            {
                AddStalePeriod(id, Integration.StaleFrom(stored.LastSuccessAt, stored.CreatedAt, stored.ExpectedSyncMinutes), success);
            }
        }
        staleEnded.Clear();
    }

    private void Saw(Guid account, Guid person, DateTime at, bool signIn)
    {
        var (active, lastSignIn) = people.GetValueOrDefault((account, person));
        people[(account, person)] = (at > active ? at : active, signIn && (lastSignIn is null || at > lastSignIn) ? at : lastSignIn);
    }

    /// Adds the counts in the caller's transaction. Each statement is an atomic upsert, so parallel writers add to the
    /// same row without losing a count; rows are taken in key order, so two writers never wait on each other in a circle.
    public async Task ApplyAsync(DatabaseFacade database, CancellationToken ct)
    {
        const int rowsPerStatement = 100;
        foreach (var chunk in figures.OrderBy(f => f.Key).Chunk(rowsPerStatement))
        {
            var sql = new StringBuilder("INSERT INTO \"DailyFigures\" (\"Metric\", \"Day\", \"AccountId\", \"ItemId\", \"Detail\", \"Channel\", \"Count\", \"Total\") VALUES ");
            var parameters = new List<object>(chunk.Length * 8);
            foreach (var ((metric, day, account, item, detail, channel), (count, total)) in chunk)
            {
                var p = parameters.Count;
                sql.Append(p == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({{{p}}}, {{{p + 1}}}, {{{p + 2}}}, {{{p + 3}}}, {{{p + 4}}}, {{{p + 5}}}, {{{p + 6}}}, {{{p + 7}}})");
                parameters.AddRange([(int)metric, day, account, item, detail, channel, count, total]);
            }
            sql.Append(" ON CONFLICT (\"Metric\", \"Day\", \"AccountId\", \"ItemId\", \"Detail\", \"Channel\") DO UPDATE SET ")
                .Append("\"Count\" = \"DailyFigures\".\"Count\" + excluded.\"Count\", \"Total\" = \"DailyFigures\".\"Total\" + excluded.\"Total\"");
            await database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
        }
        // Two statements, so no parameter is a bare null (PostgreSQL cannot type one inside VALUES).
        await UpsertPeopleAsync(database, people.Where(p => p.Value.SignIn is null), withSignIn: false, rowsPerStatement, ct);
        await UpsertPeopleAsync(database, people.Where(p => p.Value.SignIn is not null), withSignIn: true, rowsPerStatement, ct);
    }

    private static async Task UpsertPeopleAsync(DatabaseFacade database, IEnumerable<KeyValuePair<(Guid Account, Guid Person), (DateTime Active, DateTime? SignIn)>> rows,
        bool withSignIn, int rowsPerStatement, CancellationToken ct)
    {
        const string table = "\"PersonActivities\"";
        foreach (var chunk in rows.OrderBy(p => p.Key).Chunk(rowsPerStatement))
        {
            var sql = new StringBuilder().Append(CultureInfo.InvariantCulture, $"INSERT INTO {table} (\"AccountId\", \"PersonId\", \"LastActiveAt\"{(withSignIn ? ", \"LastSignInAt\"" : "")}) VALUES ");
            var parameters = new List<object>(chunk.Length * 4);
            foreach (var ((account, person), (active, signIn)) in chunk)
            {
                var p = parameters.Count;
                sql.Append(p == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({{{p}}}, {{{p + 1}}}, {{{p + 2}}}");
                parameters.AddRange([account, person, active]);
                if (withSignIn)
                {
                    sql.Append(CultureInfo.InvariantCulture, $", {{{p + 3}}}");
                    parameters.Add(signIn!.Value);
                }
                sql.Append(')');
            }
            // The later time wins, whatever order parallel saves commit in.
            sql.Append(" ON CONFLICT (\"AccountId\", \"PersonId\") DO UPDATE SET ")
                .Append(CultureInfo.InvariantCulture, $"\"LastActiveAt\" = CASE WHEN excluded.\"LastActiveAt\" > {table}.\"LastActiveAt\" THEN excluded.\"LastActiveAt\" ELSE {table}.\"LastActiveAt\" END");
            if (withSignIn)
            {
                sql.Append(CultureInfo.InvariantCulture, $", \"LastSignInAt\" = CASE WHEN {table}.\"LastSignInAt\" IS NULL OR excluded.\"LastSignInAt\" > {table}.\"LastSignInAt\" ")
                    .Append(CultureInfo.InvariantCulture, $"THEN excluded.\"LastSignInAt\" ELSE {table}.\"LastSignInAt\" END");
            }
            await database.ExecuteSqlRawAsync(sql.ToString(), parameters, ct);
        }
    }
}
