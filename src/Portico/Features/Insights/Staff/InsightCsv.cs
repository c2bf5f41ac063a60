namespace Portico.Features.Insights.Staff;

/// How figures read on the page and in CSV: shares as whole percents, response times as the band they fall in.
public static class InsightFormat
{
    public static string Percent(double? share) => share is { } s ? (s * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "–";

    public static string Band(int? band) => band is { } b ? ResponseBands.Describe(b) : "–";

    public static string Average(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "–";

    public static string Minutes(double? minutes) => minutes switch
    {
        null => "–",
        < 120 => $"{minutes.Value.ToString("0", CultureInfo.InvariantCulture)} min",
        < 2880 => $"{(minutes.Value / 60).ToString("0.0", CultureInfo.InvariantCulture)} h",
        _ => $"{(minutes.Value / 1440).ToString("0.0", CultureInfo.InvariantCulture)} days",
    };

    public static string Period(DateOnly from, DateOnly to, InsightPeriod period) => period == InsightPeriod.Month
        ? from.ToString("MMM yyyy", CultureInfo.InvariantCulture)
        : from.ToString("d MMM", CultureInfo.InvariantCulture) + (from == to ? "" : "–" + to.ToString("d MMM", CultureInfo.InvariantCulture));

    /// The change from the previous range in percentage points (shares) or as a count.
    public static string Change(double? now, double? before) => now is { } n && before is { } b
        ? ((n - b) * 100).ToString("+0;−0;±0", CultureInfo.InvariantCulture) + " points"
        : "–";

    /// A fractional count (requests expected or avoided against a baseline) as a whole number.
    public static string Count(double value) => Math.Round(value, MidpointRounding.AwayFromZero).ToString("#,0", CultureInfo.InvariantCulture);

    public static string Rate(double perWeek) => perWeek.ToString("0.0", CultureInfo.InvariantCulture) + " a week";

    public static string CountChange(double now, double before) =>
        (Math.Round(now, MidpointRounding.AwayFromZero) - Math.Round(before, MidpointRounding.AwayFromZero)).ToString("+#,0;−#,0;±0", CultureInfo.InvariantCulture);

    public static string Change(long now, long before) => (now - before).ToString("+#,0;−#,0;±0", CultureInfo.InvariantCulture);
}

/// Every table of the insights page as CSV.
public static class InsightCsv
{
    public static readonly string[] Tables = ["summary", "trend", "accounts", "types", "assignees", "integrations", "engagement"];

    private static readonly string[] MetricColumns =
    [
        "self-serve tasks", "assisted tasks", "requests", "self-serve completion", "deflection", "repetitive requests expected",
        "repetitive requests filed", "avoided against baselines", "accounts with a baseline", "accounts without a baseline", "forms left after an article",
        "portal requests", "deflection rate",
        "first responses", "first response p50", "first response p90", "first response within SLA", "resolutions", "resolution p50",
        "resolution p90", "resolution within SLA", "active accounts", "active key accounts", "ratings", "average rating", "incidents opened", "incidents resolved",
        "average minutes to resolve", "minutes stale", "stale periods",
    ];

    public static string Write(InsightReport report, string table)
    {
        var csv = new StringBuilder();
        switch (table)
        {
            case "summary":
                Line(csv, ["range", "from", "to", .. MetricColumns]);
                var (pf, pt) = report.Filter.Previous;
                Line(csv, ["chosen", Date(report.Filter.From), Date(report.Filter.To), .. Metrics(report.Current)]);
                Line(csv, ["previous", Date(pf), Date(pt), .. Metrics(report.Previous)]);
                break;
            case "trend":
                Line(csv, ["from", "to", .. MetricColumns]);
                foreach (var p in report.Trend)
                {
                    Line(csv, [Date(p.From), Date(p.To), .. Metrics(p.Counts)]);
                }
                break;
            case "accounts" or "types" or "assignees" or "integrations":
                var rows = table switch
                {
                    "accounts" => report.ByAccount,
                    "types" => report.ByType,
                    "assignees" => report.ByAssignee,
                    _ => report.ByIntegration,
                };
                Line(csv, ["id", "name", .. MetricColumns]);
                foreach (var r in rows)
                {
                    Line(csv, [r.Id.ToString(), r.Name, .. Metrics(r.Counts)]);
                }
                break;
            default:
                Line(csv, ["account id", "account", "key account", "people seen", "active in 7 days", "active in 30 days", "active in 90 days", "last sign-in"]);
                foreach (var e in report.Engagement)
                {
                    Line(csv, [e.AccountId.ToString(), e.Name, e.IsKey ? "yes" : "no", Num(e.People), Num(e.Active7), Num(e.Active30), Num(e.Active90),
                        e.LastSignInAt?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "never"]);
                }
                break;
        }
        return csv.ToString();
    }

    private static string[] Metrics(MetricCounts c) =>
    [
        Num(c.SelfServeTasks), Num(c.AssistedTasks), Num(c.Requests), InsightFormat.Percent(c.SelfServeRate), Dec(c.TotalDeflection), Dec(c.ExpectedRepetitive),
        Num(c.RepetitiveRequests), Dec(c.AvoidedRequests), Num(c.AccountsWithBaseline), Num(c.AccountsWithoutBaseline), Num(c.Deflections), Num(c.PortalRequests),
        InsightFormat.Percent(c.DeflectionRate), Num(c.FirstResponses), InsightFormat.Band(c.FirstResponseP50), InsightFormat.Band(c.FirstResponseP90),
        InsightFormat.Percent(c.FirstResponseAttainment), Num(c.Resolutions), InsightFormat.Band(c.ResolutionP50), InsightFormat.Band(c.ResolutionP90),
        InsightFormat.Percent(c.ResolutionAttainment), Num(c.ActiveAccounts), Num(c.ActiveKeyAccounts), Num(c.Ratings), InsightFormat.Average(c.AverageRating),
        Num(c.IncidentsOpened), Num(c.IncidentsResolved), InsightFormat.Average(c.AverageMinutesToResolve), Num(c.MinutesStale), Num(c.StalePeriods),
    ];

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Dec(double n) => n.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void Line(StringBuilder csv, string[] cells)
    {
        csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
    }

    /// Quotes where needed, and keeps a name starting with =, +, - or @ from being run as a spreadsheet formula.
    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
