namespace Portico.Features.Billing.Staff;

public sealed record StaffInvoiceRow(Guid Id, Guid AccountId, string AccountName, string Number, string Currency, DateOnly DueOn, InvoiceStatus Status, long TotalMinor, long PaidMinor)
{
    public long DueMinor => Status == InvoiceStatus.Open ? Math.Max(0, TotalMinor - PaidMinor) : 0;
}

/// Invoices across accounts for finance staff and admins, overdue first.
[Authorize(Policy = Policies.StaffBilling)]
public sealed class InvoicesModel(PorticoDb db, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public bool Overdue { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public Requests.Paged<StaffInvoiceRow> Invoices { get; private set; } = new([], 1, PageSize, 0);
    public DateOnly Today { get; } = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var today = Today;
        var invoices = db.Invoices.AsNoTracking().Where(i => i.Status == InvoiceStatus.Open && i.TotalMinor > i.PaidMinor);
        if (Overdue)
        {
            invoices = invoices.Where(i => i.DueOn < today);
        }
        var rows = invoices.Join(db.Accounts, i => i.AccountId, a => a.Id, (i, a) => new { i, a.Name });
        if (!string.IsNullOrWhiteSpace(Q))
        {
            var q = Q.Trim();
            rows = rows.Where(x => x.i.Number.Contains(q) || x.Name.Contains(q));
        }
        var page = Math.Clamp(PageNumber, 1, 10_000);
        var total = await rows.CountAsync(ct);
        var items = await rows.OrderBy(x => x.i.DueOn).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(x => new StaffInvoiceRow(x.i.Id, x.i.AccountId, x.Name, x.i.Number, x.i.Currency, x.i.DueOn, x.i.Status, x.i.TotalMinor, x.i.PaidMinor))
            .ToListAsync(ct);
        Invoices = new Requests.Paged<StaffInvoiceRow>(items, page, PageSize, total);
    }

    public string PageLink(int page) => QueryString.Create(new Dictionary<string, string?>
    {
        ["overdue"] = Overdue ? "true" : null, ["q"] = Q, ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(kv => !string.IsNullOrEmpty(kv.Value))).ToUriComponent();
}
