namespace Portico.Features.Billing;

public sealed record InvoiceRow(Guid Id, string Number, string Currency, DateOnly IssuedOn, DateOnly DueOn, InvoiceStatus Status, long TotalMinor, long PaidMinor, DateTime SyncedAt)
{
    public long DueMinor => Status == InvoiceStatus.Open ? Math.Max(0, TotalMinor - PaidMinor) : 0;
    public bool IsOverdue(DateOnly today) => Status == InvoiceStatus.Open && DueOn < today && DueMinor > 0;
}

public sealed record CurrencyTotal(string Currency, long DueMinor, long OverdueMinor);

[AccountPermission(Permissions.InvoicesView)]
public sealed class IndexModel(PorticoDb db, Freshness freshness, TimeProvider clock) : SyncedRecordListModel(freshness, clock)
{
    /// "open", "overdue", "paid", "void" or empty for all.
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    public Requests.Paged<InvoiceRow> Invoices { get; private set; } = new([], 1, PageSize, 0);
    public List<CurrencyTotal> Totals { get; private set; } = [];
    public DateOnly Today => DateOnly.FromDateTime(Now);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var today = Today;
        var invoices = db.Invoices.AsNoTracking();
        // Totals per currency over the whole account, whatever the filter.
        Totals = (await invoices.Where(i => i.Status == InvoiceStatus.Open)
                .Select(i => new { i.Currency, Due = i.TotalMinor - i.PaidMinor, i.DueOn }).ToListAsync(ct))
            .Where(i => i.Due > 0)
            .GroupBy(i => i.Currency)
            .Select(g => new CurrencyTotal(g.Key, g.Sum(i => i.Due), g.Where(i => i.DueOn < today).Sum(i => i.Due)))
            .OrderBy(t => t.Currency, StringComparer.Ordinal).ToList();
        invoices = Status switch
        {
            "open" => invoices.Where(i => i.Status == InvoiceStatus.Open),
            "overdue" => invoices.Where(i => i.Status == InvoiceStatus.Open && i.DueOn < today && i.TotalMinor > i.PaidMinor),
            "paid" => invoices.Where(i => i.Status == InvoiceStatus.Paid),
            "void" => invoices.Where(i => i.Status == InvoiceStatus.Void),
            _ => invoices,
        };
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var q = Q.Trim();
            invoices = invoices.Where(i => i.Number.Contains(q));
        }
        Invoices = await PageAsync(invoices, q => q.OrderByDescending(i => i.IssuedOn).ThenByDescending(i => i.Number),
            i => new InvoiceRow(i.Id, i.Number, i.Currency, i.IssuedOn, i.DueOn, i.Status, i.TotalMinor, i.PaidMinor, i.SyncedAt),
            SyncedObjectTypes.Invoices, ct);
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Filters() => [new("status", Status), new("q", Q)];
}
