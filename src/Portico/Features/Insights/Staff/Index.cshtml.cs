namespace Portico.Features.Insights.Staff;

/// The five adoption metrics over a chosen range, compared with the range before it, with breakdowns and the engagement
/// of each account. Every table can be downloaded as CSV with the same filters.
[Authorize(Policy = Policies.StaffRequests)]
public sealed class InsightsModel(ReadInsights insights, InsightFigureCache figures, TimeProvider clock,
    IStringLocalizer<InsightsModel> text) : PageModel
{
    public const int DefaultDays = 84;
    /// Above this many accounts the filter is a field for the account's id instead of a list of every account.
    public const int AccountListLimit = 300;
    public const int RowsShown = 50;

    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public InsightPeriod Period { get; set; } = InsightPeriod.Week;
    [BindProperty(SupportsGet = true)] public Guid? Account { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Type { get; set; }
    /// Only key accounts in the engagement table.
    [BindProperty(SupportsGet = true)] public bool Key { get; set; }

    public InsightReport? Report { get; private set; }
    /// When the figures shown were read; they are kept up to InsightFigureCache.MaxAge.
    public DateTimeOffset? FiguresAsOf { get; private set; }
    public List<(Guid Id, string Name)> Accounts { get; private set; } = [];
    public List<(Guid Id, string Name)> Types { get; private set; } = [];
    public bool ListsAccounts { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var filter = await CheckAsync(ct);
        await LoadChoicesAsync(ct);
        if (filter is not null)
        {
            var read = await figures.GetAsync(filter, ct);
            (Report, FiguresAsOf) = (read.Report, read.AsOf);
        }
    }

    public async Task<IActionResult> OnGetCsvAsync(string? table, CancellationToken ct)
    {
        var filter = await CheckAsync(ct);
        if (filter is null)
        {
            return Content(string.Join("\n", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage)), "text/plain");
        }
        if (table is null || !InsightCsv.Tables.Contains(table))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Content(text["Choose a table to download: {0}.", string.Join(", ", InsightCsv.Tables)], "text/plain");
        }
        var report = (await figures.GetAsync(filter, ct)).Report;
        var csv = InsightCsv.Write(report, table);
        return File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8",
            string.Create(CultureInfo.InvariantCulture, $"insights-{table}-{filter.From:yyyy-MM-dd}-{filter.To:yyyy-MM-dd}.csv"));
    }

    public string CsvLink(string table) => QueryString("Csv", table);

    public string QueryString(string? handler = null, string? table = null, Guid? account = null)
    {
        var q = new Dictionary<string, string?>
        {
            ["handler"] = handler,
            ["table"] = table,
            ["From"] = Report?.Filter.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["To"] = Report?.Filter.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Period"] = Period.ToString(),
            ["Account"] = (account ?? Account)?.ToString(),
            ["Type"] = Type?.ToString(),
            ["Key"] = Key ? "true" : null,
        };
        return "/staff/insights" + Microsoft.AspNetCore.Http.QueryString.Create(q.Where(p => p.Value is not null));
    }

    /// The filter when it can be read; otherwise the messages are in ModelState and the answer is 400.
    private async Task<InsightFilter?> CheckAsync(CancellationToken ct)
    {
        if (!Enum.IsDefined(Period))
        {
            ModelState.AddModelError(nameof(Period), "");
        }
        if (!ModelState.IsValid)
        {
            // A value that is not a date, a period or an id: say which field, not the binder's wording.
            foreach (var key in ModelState.Keys.Where(k => ModelState[k]!.Errors.Count > 0).ToList())
            {
                ModelState[key]!.Errors.Clear();
                ModelState.AddModelError(key, key switch
                {
                    nameof(From) => text["From must be a date such as 2026-01-31."],
                    nameof(To) => text["To must be a date such as 2026-01-31."],
                    nameof(Period) => text["Group by Week or Month."],
                    nameof(Account) => text[ReadInsights.UnknownAccount],
                    nameof(Type) => text[ReadInsights.UnknownType],
                    nameof(Key) => text["Key accounts only is true or false."],
                    _ => text["This value is not understood."],
                });
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var to = To ?? today;
        var from = From ?? to.AddDays(-(DefaultDays - 1));
        var filter = new InsightFilter(from, to, Period, Account, Type, Key);
        var errors = await insights.CheckAsync(filter, ct);
        if (errors.Count > 0)
        {
            foreach (var (field, message) in errors)
            {
                // The checks answer in English, which is the key of their translation here.
                ModelState.AddModelError(field, message == ReadInsights.RangeTooLong
                    ? text["Choose a range of at most two years ({0} days).", InsightFilter.MaxDays] : text[message]);
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }
        From = from;
        To = to;
        return filter;
    }

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        var choices = await figures.GetChoicesAsync(ct);
        (Types, Accounts, ListsAccounts) = (choices.Types, choices.Accounts, choices.ListsAccounts);
    }
}
