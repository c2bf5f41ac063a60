using System.Linq.Expressions;

namespace Portico.Features.Integrations;

/// A record a system of record keeps for an account (invoices, orders): customers read it, only the sync changes it.
public interface ISyncedRecord : IAccountOwned
{
    Guid Id { get; }
    Guid IntegrationId { get; }
    DateTime SyncedAt { get; }
}

/// A customer's list of synced records: filters of its own, then the same paging and freshness line for every kind.
public abstract class SyncedRecordListModel(Freshness freshness, TimeProvider clock) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public FreshnessView? Freshness { get; private set; }
    public DateTime Now { get; } = clock.GetUtcNow().UtcDateTime;

    /// The requested page of the filtered records, and how current their system of record is.
    protected async Task<Paged<TRow>> PageAsync<T, TRow>(IQueryable<T> filtered, Func<IQueryable<T>, IOrderedQueryable<T>> order,
        Expression<Func<T, TRow>> row, string objectType, CancellationToken ct)
    {
        var page = Math.Clamp(PageNumber, 1, 10_000);
        var total = await filtered.CountAsync(ct);
        var rows = await order(filtered).Skip((page - 1) * PageSize).Take(PageSize).Select(row).ToListAsync(ct);
        Freshness = await freshness.ForAsync(objectType, ct);
        return new Paged<TRow>(rows, page, PageSize, total);
    }

    /// The page's own filters, in the order they appear in links.
    protected abstract IEnumerable<KeyValuePair<string, string?>> Filters();

    public string PageLink(int page) => QueryString.Create(
        Filters().Append(new("p", page.ToString(CultureInfo.InvariantCulture))).Where(kv => !string.IsNullOrEmpty(kv.Value))).ToUriComponent();
}

/// A customer's view of one synced record, which counts as the key event <c>viewed</c>: another account's id answers 404
/// through the account filter.
public abstract class SyncedRecordDetailModel<T>(PorticoDb db, Insights.KeyEvents keyEvents, TimeProvider clock, Insights.KeyEventKind viewed) : PageModel
    where T : class, ISyncedRecord
{
    protected T Record { get; private set; } = null!;
    public string Source { get; private set; } = "";
    public DateTime Now { get; } = clock.GetUtcNow().UtcDateTime;

    public FreshnessView Freshness => new(Source, Record.SyncedAt, int.MaxValue, false);

    protected async Task<IActionResult> LoadAsync(Guid id, CancellationToken ct)
    {
        var record = await db.Set<T>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (record is null)
        {
            return NotFound();
        }
        Record = record;
        Source = await db.Integrations.Where(i => i.Id == record.IntegrationId).Select(i => i.Name).SingleAsync(ct);
        await keyEvents.RecordNowAsync(viewed, record.AccountId, ct);
        return Page();
    }
}
