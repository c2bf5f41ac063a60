namespace Portico.Features.Insights.Staff;

public enum InsightPeriod
{
    Week,
    Month,
}

/// The range, grouping and filters the insights page is asked for, checked before anything is read.
/// KeyOnly narrows the engagement table to key accounts.
public sealed record InsightFilter(DateOnly From, DateOnly To, InsightPeriod Period, Guid? AccountId, Guid? TypeId, bool KeyOnly = false)
{
    public const int MaxDays = 731;

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// The same number of days just before the range, which every figure is compared with.
    public (DateOnly From, DateOnly To) Previous => (From.AddDays(-Days), From.AddDays(-1));
}

/// Counts that make up the five metrics over some days; each metric's value is computed from them alone, so the
/// summary, each period of the trend and each row of a breakdown use the same definition.
public sealed class MetricCounts
{
    public static readonly KeyEventKind[] CustomerTasks =
    [
        KeyEventKind.InvoiceViewed, KeyEventKind.InvoiceDownloaded, KeyEventKind.DocumentDownloaded, KeyEventKind.DocumentUploaded,
        KeyEventKind.OrderViewed, KeyEventKind.ContactChanged, KeyEventKind.ApprovalDecided, KeyEventKind.RequestFormDeflected,
    ];

    public long SelfServeTasks { get; set; }
    public long AssistedTasks { get; set; }
    /// Request forms left because an article answered.
    public long Deflections { get; set; }
    /// Repetitive requests the active accounts with a baseline would have filed at their pre-portal rate over their
    /// days since, how many they filed, and the sum over those accounts of expected minus filed, each floored at 0.
    public double ExpectedRepetitive { get; set; }
    public long RepetitiveRequests { get; set; }
    public double AvoidedRequests { get; set; }
    /// Active accounts whose repetitive requests are set against a baseline, and those without one.
    public long AccountsWithBaseline { get; set; }
    public long AccountsWithoutBaseline { get; set; }
    public long PortalRequests { get; set; }
    public long Requests { get; set; }
    public long[] FirstResponseBands { get; } = new long[ResponseBands.UpperMinutes.Length + 1];
    public long FirstResponsesInTarget { get; set; }
    public long[] ResolutionBands { get; } = new long[ResponseBands.UpperMinutes.Length + 1];
    public long ResolutionsInTarget { get; set; }
    public long ActiveAccounts { get; set; }
    /// Of the active accounts, those staff marked as key.
    public long ActiveKeyAccounts { get; set; }
    public long Ratings { get; set; }
    public long RatingPoints { get; set; }
    public long IncidentsOpened { get; set; }
    public long IncidentsResolved { get; set; }
    public long MinutesToResolve { get; set; }
    /// Minutes integrations were stale in the days, and the stale periods that ended in them (one still running counts today).
    public long MinutesStale { get; set; }
    public long StalePeriods { get; set; }

    /// Self-serve completion: customer tasks done in the portal or the API, of those plus the ones staff did for the
    /// customer and every request filed (a request is work staff handle).
    public double? SelfServeRate => Share(SelfServeTasks, SelfServeTasks + AssistedTasks + Requests);

    /// Deflection: request forms left because an article answered, of those plus requests filed in the portal.
    public double? DeflectionRate => Share(Deflections, Deflections + PortalRequests);

    /// Deflection: repetitive requests avoided against each account's own baseline plus forms left after an article.
    public double TotalDeflection => AvoidedRequests + Deflections;

    public long FirstResponses => FirstResponseBands.Sum();
    public long Resolutions => ResolutionBands.Sum();
    public int? FirstResponseP50 => Percentile(FirstResponseBands, 0.5);
    public int? FirstResponseP90 => Percentile(FirstResponseBands, 0.9);
    public int? ResolutionP50 => Percentile(ResolutionBands, 0.5);
    public int? ResolutionP90 => Percentile(ResolutionBands, 0.9);
    public double? FirstResponseAttainment => Share(FirstResponsesInTarget, FirstResponses);
    public double? ResolutionAttainment => Share(ResolutionsInTarget, Resolutions);
    public double? AverageRating => Ratings == 0 ? null : (double)RatingPoints / Ratings;
    public double? AverageMinutesToResolve => IncidentsResolved == 0 ? null : (double)MinutesToResolve / IncidentsResolved;

    public static double? Share(long part, long whole) => whole == 0 ? null : (double)part / whole;

    /// The band the p-th response falls in: the first band whose running count reaches p of all.
    public static int? Percentile(long[] bands, double p)
    {
        var n = bands.Sum();
        if (n == 0)
        {
            return null;
        }
        var rank = (long)Math.Ceiling(p * n);
        long running = 0;
        for (var i = 0; i < bands.Length; i++)
        {
            running += bands[i];
            if (running >= rank)
            {
                return i;
            }
        }
        return bands.Length - 1;
    }

    public void Add(FigureMetric metric, int detail, int channel, long count, long total)
    {
        switch (metric)
        {
            case FigureMetric.KeyEvent:
                var kind = (KeyEventKind)detail;
                if (kind == KeyEventKind.RequestFormDeflected)
                {
                    Deflections += count;
                }
                if (Array.IndexOf(CustomerTasks, kind) >= 0)
                {
                    if ((Channel)channel is Channel.Portal or Channel.Api)
                    {
                        SelfServeTasks += count;
                    }
                    else
                    {
                        AssistedTasks += count;
                    }
                }
                break;
            case FigureMetric.RequestCreated:
                Requests += count;
                if ((Channel)channel is Channel.Portal or Channel.Api)
                {
                    PortalRequests += count;
                }
                break;
            case FigureMetric.FirstResponse:
                FirstResponseBands[Math.Min(detail, FirstResponseBands.Length - 1)] += count;
                FirstResponsesInTarget += channel == 1 ? count : 0;
                break;
            case FigureMetric.Resolution:
                ResolutionBands[Math.Min(detail, ResolutionBands.Length - 1)] += count;
                ResolutionsInTarget += channel == 1 ? count : 0;
                break;
            case FigureMetric.RatingByType:
                Ratings += count;
                RatingPoints += total;
                break;
            case FigureMetric.IncidentOpened:
                IncidentsOpened += count;
                break;
            case FigureMetric.IncidentResolved:
                IncidentsResolved += count;
                MinutesToResolve += total;
                break;
            case FigureMetric.MinutesStale:
                StalePeriods += count;
                MinutesStale += total;
                break;
        }
    }
}

public sealed record PeriodCounts(DateOnly From, DateOnly To, MetricCounts Counts);

public sealed record NamedCounts(Guid Id, string Name, MetricCounts Counts);

public sealed record EngagementRow(Guid AccountId, string Name, int People, int Active7, int Active30, int Active90, DateTime? LastSignInAt, bool IsKey);

public sealed record InsightReport(
    InsightFilter Filter,
    MetricCounts Current,
    MetricCounts Previous,
    long AllAccounts,
    long KeyAccounts,
    List<PeriodCounts> Trend,
    List<NamedCounts> ByAccount,
    List<NamedCounts> ByType,
    List<NamedCounts> ByAssignee,
    List<NamedCounts> ByIntegration,
    List<EngagementRow> Engagement,
    DeflectionBaselines Baselines);

/// Reads the insights page's figures from the daily figures and the people's last activity, never from raw events.
public sealed class ReadInsights(PorticoDb db, TimeProvider clock)
{
    private static readonly FigureMetric[] TypedMetrics =
        [FigureMetric.RequestCreated, FigureMetric.FirstResponse, FigureMetric.Resolution, FigureMetric.RatingByType];

    public const string ReversedRange = "The start of the range must be on or before its end.";
    public static readonly string RangeTooLong = $"Choose a range of at most two years ({InsightFilter.MaxDays} days).";
    public const string UnknownAccount = "There is no account with that id; choose one from the list or clear the filter.";
    public const string UnknownType = "There is no request type with that id; choose one from the list or clear the filter.";

    /// What is wrong with the filter, by field; empty when it can be read.
    public async Task<Dictionary<string, string>> CheckAsync(InsightFilter filter, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        if (filter.To < filter.From)
        {
            errors["To"] = ReversedRange;
        }
        else if (filter.Days > InsightFilter.MaxDays)
        {
            errors["From"] = RangeTooLong;
        }
        if (filter.AccountId is { } account && !await db.Accounts.AnyAsync(a => a.Id == account, ct))
        {
            errors["Account"] = UnknownAccount;
        }
        if (filter.TypeId is { } type && !await db.RequestTypes.AnyAsync(t => t.Id == type, ct))
        {
            errors["Type"] = UnknownType;
        }
        return errors;
    }

    public async Task<InsightReport> RunAsync(InsightFilter filter, CancellationToken ct)
    {
        var (previousFrom, previousTo) = filter.Previous;
        var figures = Figures(previousFrom, filter.To, filter);

        var byDay = await figures.Where(f => f.Metric != FigureMetric.RatingByAssignee)
            .GroupBy(f => new { f.Metric, f.Day, f.Detail, f.Channel })
            .Select(g => new { g.Key.Metric, g.Key.Day, g.Key.Detail, g.Key.Channel, Count = g.Sum(f => f.Count), Total = g.Sum(f => f.Total) })
            .ToListAsync(ct);
        var integrations = await db.Integrations.AsNoTracking().ToListAsync(ct);
        var stale = StalePeriods.Running(integrations, clock.GetUtcNow().UtcDateTime, previousFrom, filter.To);
        byDay.AddRange(stale.Select(f => new { f.Metric, f.Day, f.Detail, f.Channel, f.Count, f.Total }));
        // Engagement counts accounts, which do not add up across days: the days each account was active on.
        var activeDays = await figures
            .Where(f => f.Metric == FigureMetric.KeyEvent && (f.Channel == (int)Channel.Portal || f.Channel == (int)Channel.Api))
            .Select(f => new { f.Day, f.AccountId }).Distinct().ToListAsync(ct);

        var periods = Periods(filter);
        var trend = periods.Select(p => new PeriodCounts(p.From, p.To, new MetricCounts())).ToList();
        var current = new MetricCounts();
        var previous = new MetricCounts();
        foreach (var row in byDay)
        {
            var into = row.Day < filter.From ? previous : current;
            into.Add(row.Metric, row.Detail, row.Channel, row.Count, row.Total);
            if (row.Day >= filter.From)
            {
                trend.First(p => row.Day <= p.To).Counts.Add(row.Metric, row.Detail, row.Channel, row.Count, row.Total);
            }
        }
        current.ActiveAccounts = activeDays.Where(d => d.Day >= filter.From).Select(d => d.AccountId).Distinct().LongCount();
        previous.ActiveAccounts = activeDays.Where(d => d.Day < filter.From).Select(d => d.AccountId).Distinct().LongCount();
        var keyAccounts = db.Accounts.AsNoTracking().Where(a => a.IsKey);
        if (filter.AccountId is { } chosen)
        {
            keyAccounts = keyAccounts.Where(a => a.Id == chosen);
        }
        var keys = (await keyAccounts.Select(a => a.Id).ToListAsync(ct)).ToHashSet();
        current.ActiveKeyAccounts = activeDays.Where(d => d.Day >= filter.From && keys.Contains(d.AccountId)).Select(d => d.AccountId).Distinct().LongCount();
        previous.ActiveKeyAccounts = activeDays.Where(d => d.Day < filter.From && keys.Contains(d.AccountId)).Select(d => d.AccountId).Distinct().LongCount();
        foreach (var p in trend)
        {
            p.Counts.ActiveAccounts = activeDays.Where(d => d.Day >= p.From && d.Day <= p.To).Select(d => d.AccountId).Distinct().LongCount();
            p.Counts.ActiveKeyAccounts = activeDays.Where(d => d.Day >= p.From && d.Day <= p.To && keys.Contains(d.AccountId)).Select(d => d.AccountId).Distinct().LongCount();
        }
        var baselines = await DeflectionBaselines.LoadAsync(db, filter, ct);
        IEnumerable<Guid> ActiveIn(DateOnly from, DateOnly to) => activeDays.Where(d => d.Day >= from && d.Day <= to).Select(d => d.AccountId).Distinct();
        baselines.AddTo(current, filter.From, filter.To, ActiveIn(filter.From, filter.To));
        baselines.AddTo(previous, previousFrom, previousTo, ActiveIn(previousFrom, previousTo));
        foreach (var p in trend)
        {
            baselines.AddTo(p.Counts, p.From, p.To, ActiveIn(p.From, p.To));
        }

        var inRange = Figures(filter.From, filter.To, filter);
        var accountRows = await inRange.Where(f => f.AccountId != Guid.Empty && f.Metric != FigureMetric.RatingByAssignee)
            // Metric first: SQLite then reads the range through the primary key (Metric, Day); grouped by AccountId first it
            // walked the whole AccountId index and looked up every row, two to three times slower at scale.
            .GroupBy(f => new { f.Metric, f.Detail, f.Channel, f.AccountId })
            .Select(g => new { Id = g.Key.AccountId, g.Key.Metric, g.Key.Detail, g.Key.Channel, Count = g.Sum(f => f.Count), Total = g.Sum(f => f.Total) })
            .ToListAsync(ct);
        var accountIds = accountRows.Select(r => r.Id).Distinct().ToList();
        var accountNames = await db.Accounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct);
        var byAccount = Named(accountRows.Select(r => (r.Id, r.Metric, r.Detail, r.Channel, r.Count, r.Total)), accountNames);
        // A set, not a scan of the active days per account: with 10,000 accounts that scan was most of the page's time.
        var activeNow = activeDays.Where(d => d.Day >= filter.From).Select(d => d.AccountId).ToHashSet();
        foreach (var a in byAccount)
        {
            a.Counts.ActiveAccounts = activeNow.Contains(a.Id) ? 1 : 0;
            baselines.AddTo(a.Counts, filter.From, filter.To, a.Counts.ActiveAccounts == 1 ? [a.Id] : []);
        }

        var itemRows = await inRange.Where(f => f.ItemId != Guid.Empty || f.Metric == FigureMetric.RatingByAssignee)
            .Where(f => TypedMetrics.Contains(f.Metric) || f.Metric == FigureMetric.RatingByAssignee
                || f.Metric == FigureMetric.IncidentOpened || f.Metric == FigureMetric.IncidentResolved || f.Metric == FigureMetric.MinutesStale)
            .GroupBy(f => new { f.ItemId, f.Metric, f.Detail, f.Channel })
            .Select(g => new { Id = g.Key.ItemId, g.Key.Metric, g.Key.Detail, g.Key.Channel, Count = g.Sum(f => f.Count), Total = g.Sum(f => f.Total) })
            .ToListAsync(ct);
        itemRows.AddRange(stale.Where(f => f.Day >= filter.From).Select(f => new { Id = f.ItemId, f.Metric, f.Detail, f.Channel, f.Count, f.Total }));
        var typeNames = await db.RequestTypes.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var byType = Named(itemRows.Where(r => TypedMetrics.Contains(r.Metric)).Select(r => (r.Id, r.Metric, r.Detail, r.Channel, r.Count, r.Total)), typeNames);
        var assigneeIds = itemRows.Where(r => r.Metric == FigureMetric.RatingByAssignee).Select(r => r.Id).Distinct().ToList();
        var assigneeNames = await db.Users.AsNoTracking().Where(u => assigneeIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        assigneeNames[Guid.Empty] = "Nobody assigned";
        // Ratings by assignee count as ratings in their rows.
        var byAssignee = Named(itemRows.Where(r => r.Metric == FigureMetric.RatingByAssignee)
            .Select(r => (r.Id, FigureMetric.RatingByType, r.Detail, r.Channel, r.Count, r.Total)), assigneeNames);
        var integrationNames = integrations.ToDictionary(i => i.Id, i => i.Name);
        var byIntegration = Named(itemRows.Where(r => r.Metric is FigureMetric.IncidentOpened or FigureMetric.IncidentResolved or FigureMetric.MinutesStale)
            .Select(r => (r.Id, r.Metric, r.Detail, r.Channel, r.Count, r.Total)), integrationNames);

        var allAccounts = await db.Accounts.LongCountAsync(ct);
        var engagement = await EngagementAsync(filter.AccountId, filter.KeyOnly, ct);
        return new InsightReport(filter, current, previous, filter.AccountId is null ? allAccounts : 1, keys.Count, trend,
            byAccount.OrderByDescending(a => a.Counts.SelfServeTasks + a.Counts.AssistedTasks + a.Counts.Requests + a.Counts.TotalDeflection)
                .ThenBy(a => a.Name, StringComparer.CurrentCulture).ToList(),
            byType.OrderBy(t => t.Name, StringComparer.CurrentCulture).ToList(),
            byAssignee.OrderByDescending(a => a.Counts.Ratings).ThenBy(a => a.Name, StringComparer.CurrentCulture).ToList(),
            byIntegration.OrderBy(i => i.Name, StringComparer.CurrentCulture).ToList(),
            engagement, baselines);
    }

    /// People active in the last 7, 30 and 90 days by account, with the last sign-in; accounts nobody signed in to are kept.
    private async Task<List<EngagementRow>> EngagementAsync(Guid? accountId, bool keyOnly, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (d7, d30, d90) = (now.AddDays(-7), now.AddDays(-30), now.AddDays(-90));
        var activity = db.PersonActivities.AsNoTracking();
        var accounts = db.Accounts.AsNoTracking();
        if (accountId is { } id)
        {
            activity = activity.Where(p => p.AccountId == id);
            accounts = accounts.Where(a => a.Id == id);
        }
        if (keyOnly)
        {
            activity = activity.Where(p => db.Accounts.Any(a => a.Id == p.AccountId && a.IsKey));
            accounts = accounts.Where(a => a.IsKey);
        }
        var active = await activity.GroupBy(p => p.AccountId).Select(g => new
        {
            AccountId = g.Key,
            People = g.Count(),
            Active7 = g.Count(p => p.LastActiveAt >= d7),
            Active30 = g.Count(p => p.LastActiveAt >= d30),
            Active90 = g.Count(p => p.LastActiveAt >= d90),
            LastSignInAt = g.Max(p => p.LastSignInAt),
        }).ToDictionaryAsync(a => a.AccountId, ct);
        var names = await accounts.Select(a => new { a.Id, a.Name, a.IsKey }).ToListAsync(ct);
        return names.Select(a => active.TryGetValue(a.Id, out var x)
                ? new EngagementRow(a.Id, a.Name, x.People, x.Active7, x.Active30, x.Active90, x.LastSignInAt, a.IsKey)
                : new EngagementRow(a.Id, a.Name, 0, 0, 0, 0, null, a.IsKey))
            .OrderByDescending(r => r.LastSignInAt.HasValue).ThenByDescending(r => r.Active30).ThenByDescending(r => r.LastSignInAt)
            .ThenBy(r => r.Name, StringComparer.CurrentCulture).ToList();
    }

    private IQueryable<DailyFigure> Figures(DateOnly from, DateOnly to, InsightFilter filter)
    {
        var figures = db.DailyFigures.AsNoTracking().Where(f => f.Day >= from && f.Day <= to);
        if (filter.AccountId is { } account)
        {
            // Incidents belong to no account and stay in the figures whatever account is chosen.
            figures = figures.Where(f => f.AccountId == account || f.AccountId == Guid.Empty);
        }
        if (filter.TypeId is { } type)
        {
            figures = figures.Where(f => !TypedMetrics.Contains(f.Metric) || f.ItemId == type);
        }
        return figures;
    }

    private static List<NamedCounts> Named(IEnumerable<(Guid Id, FigureMetric Metric, int Detail, int Channel, long Count, long Total)> rows,
        Dictionary<Guid, string> names)
    {
        var result = new Dictionary<Guid, NamedCounts>();
        foreach (var r in rows)
        {
            if (!result.TryGetValue(r.Id, out var named))
            {
                named = new NamedCounts(r.Id, names.GetValueOrDefault(r.Id) ?? "(removed)", new MetricCounts());
                result[r.Id] = named;
            }
            named.Counts.Add(r.Metric, r.Detail, r.Channel, r.Count, r.Total);
        }
        return [.. result.Values];
    }

    /// Weeks start on Monday, months on the first; the first and last period are cut to the range.
    public static List<(DateOnly From, DateOnly To)> Periods(InsightFilter filter)
    {
        var periods = new List<(DateOnly, DateOnly)>();
        var start = filter.From;
        while (start <= filter.To)
        {
            var next = filter.Period == InsightPeriod.Week
                ? start.AddDays(((int)DayOfWeek.Monday - (int)start.DayOfWeek + 7) % 7 is 0 ? 7 : ((int)DayOfWeek.Monday - (int)start.DayOfWeek + 7) % 7)
                : new DateOnly(start.Year, start.Month, 1).AddMonths(1);
            var end = next.AddDays(-1) < filter.To ? next.AddDays(-1) : filter.To;
            periods.Add((start, end));
            start = next;
        }
        return periods;
    }
}
