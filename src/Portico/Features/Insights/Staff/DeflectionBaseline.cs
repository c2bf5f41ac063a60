namespace Portico.Features.Insights.Staff;

/// An account's repetitive requests in the 12 weeks before the day a customer first signed in to the portal: what it
/// would go on filing had the portal not answered them. None when the account was not in the portal for those 12
/// weeks, since fewer weeks would understate the rate.
public sealed record DeflectionBaseline(DateOnly PortalSince, long RequestsBefore)
{
    public const int Weeks = 12;
    public const int Days = Weeks * 7;

    public double WeeklyRate => (double)RequestsBefore / Weeks;

    /// The first day of a range on or after the first sign-in.
    public DateOnly Since(DateOnly from) => from > PortalSince ? from : PortalSince;

    /// The days of a range on or after the first sign-in.
    public int DaysUsing(DateOnly from, DateOnly to) => Math.Max(0, to.DayNumber - Since(from).DayNumber + 1);

    public double Expected(DateOnly from, DateOnly to) => WeeklyRate * DaysUsing(from, to) / 7;
}

/// The baselines of the accounts concerned and their repetitive requests by day, read from the daily figures once
/// per page, so each period, the summary and each account's row set the same numbers against each other.
public sealed class DeflectionBaselines
{
    private readonly Dictionary<Guid, DeflectionBaseline?> baselines;
    private readonly Dictionary<Guid, List<(DateOnly Day, long Count)>> repetitive;

    private DeflectionBaselines(Dictionary<Guid, DeflectionBaseline?> baselines, Dictionary<Guid, List<(DateOnly, long)>> repetitive) =>
        (this.baselines, this.repetitive) = (baselines, repetitive);

    /// The account's baseline; null when it has none (never signed in, or too little history before).
    public DeflectionBaseline? Of(Guid accountId) => baselines.GetValueOrDefault(accountId);

    public static async Task<DeflectionBaselines> LoadAsync(PorticoDb db, InsightFilter filter, CancellationToken ct)
    {
        var signIns = db.DailyFigures.AsNoTracking()
            .Where(f => f.Metric == FigureMetric.KeyEvent && f.Detail == (int)KeyEventKind.SignIn && f.Channel == (int)Channel.Portal && f.Day <= filter.To);
        if (filter.AccountId is { } only)
        {
            signIns = signIns.Where(f => f.AccountId == only);
        }
        var firsts = await signIns.GroupBy(f => f.AccountId).Select(g => new { AccountId = g.Key, First = g.Min(f => f.Day) }).ToListAsync(ct);
        var ids = firsts.Select(f => f.AccountId).ToList();
        var created = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.CreatedAt }).ToDictionaryAsync(a => a.Id, a => DateOnly.FromDateTime(a.CreatedAt), ct);
        // In the portal for the whole window: created on or before its first day.
        var withHistory = firsts.Where(f => created.TryGetValue(f.AccountId, out var day) && day <= f.First.AddDays(-DeflectionBaseline.Days)).ToList();

        var types = db.RequestTypes.AsNoTracking().Where(t => t.IsRepetitive);
        if (filter.TypeId is { } type)
        {
            types = types.Where(t => t.Id == type);
        }
        var typeIds = await types.Select(t => t.Id).ToListAsync(ct);
        var repetitive = new Dictionary<Guid, List<(DateOnly, long)>>();
        if (withHistory.Count > 0 && typeIds.Count > 0)
        {
            var start = withHistory.Min(f => f.First).AddDays(-DeflectionBaseline.Days);
            var requests = db.DailyFigures.AsNoTracking()
                .Where(f => f.Metric == FigureMetric.RequestCreated && f.Day >= start && f.Day <= filter.To && typeIds.Contains(f.ItemId));
            if (filter.AccountId is { } account)
            {
                requests = requests.Where(f => f.AccountId == account);
            }
            var rows = await requests.GroupBy(f => new { f.AccountId, f.Day }).Select(g => new { g.Key.AccountId, g.Key.Day, Count = g.Sum(f => f.Count) }).ToListAsync(ct);
            foreach (var row in rows)
            {
                (repetitive.TryGetValue(row.AccountId, out var days) ? days : repetitive[row.AccountId] = []).Add((row.Day, row.Count));
            }
        }
        var baselines = firsts.ToDictionary(f => f.AccountId, _ => (DeflectionBaseline?)null);
        foreach (var f in withHistory)
        {
            var windowStart = f.First.AddDays(-DeflectionBaseline.Days);
            var before = repetitive.GetValueOrDefault(f.AccountId)?.Where(d => d.Item1 >= windowStart && d.Item1 < f.First).Sum(d => d.Item2) ?? 0;
            baselines[f.AccountId] = new DeflectionBaseline(f.First, before);
        }
        return new DeflectionBaselines(baselines, repetitive);
    }

    /// Adds the baseline deflection of the accounts active from one day to another: for each with a baseline and days in
    /// the portal in the range, the requests expected at its weekly rate over those days less those it filed, at least 0.
    public void AddTo(MetricCounts into, DateOnly from, DateOnly to, IEnumerable<Guid> activeAccounts)
    {
        foreach (var account in activeAccounts)
        {
            if (Of(account) is not { } baseline || baseline.DaysUsing(from, to) == 0)
            {
                into.AccountsWithoutBaseline++;
                continue;
            }
            var since = baseline.Since(from);
            var filed = repetitive.GetValueOrDefault(account)?.Where(d => d.Day >= since && d.Day <= to).Sum(d => d.Count) ?? 0;
            var expected = baseline.Expected(from, to);
            into.AccountsWithBaseline++;
            into.ExpectedRepetitive += expected;
            into.RepetitiveRequests += filed;
            into.AvoidedRequests += Math.Max(0, expected - filed);
        }
    }
}
