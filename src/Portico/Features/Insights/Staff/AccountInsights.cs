namespace Portico.Features.Insights.Staff;

/// One account's figures on its staff page: the insights page's own reading, filtered to the account, over the last 90
/// days, with a link to the insights page showing the same choice.
public static class AccountInsights
{
    public const int Days = 90;

    public static InsightFilter Filter(Guid accountId, DateTimeOffset now)
    {
        var to = DateOnly.FromDateTime(now.UtcDateTime);
        return new InsightFilter(to.AddDays(-(Days - 1)), to, InsightPeriod.Week, accountId, null);
    }

    public static string Link(InsightFilter filter) => "/staff/insights" + Microsoft.AspNetCore.Http.QueryString.Create(new Dictionary<string, string?>
    {
        ["From"] = filter.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["To"] = filter.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["Account"] = filter.AccountId?.ToString(),
    });
}
