namespace Portico.Features.Orders;

public sealed record OrderRow(Guid Id, string Reference, string Title, string Kind, string Status, List<Milestone> Milestones, DateTime UpdatedAt)
{
    public Milestone? NextMilestone => Order.Next(Milestones);
}

[AccountPermission(Permissions.OrdersView)]
public sealed class IndexModel(PorticoDb db, Freshness freshness, TimeProvider clock) : SyncedRecordListModel(freshness, clock)
{
    /// "active" (default), "done" or "all".
    [BindProperty(SupportsGet = true)] public string? Show { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }

    public Requests.Paged<OrderRow> Orders { get; private set; } = new([], 1, PageSize, 0);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var done = Order.FinishedStatuses;
        var orders = db.Orders.AsNoTracking();
        orders = Show switch
        {
            "done" => orders.Where(o => done.Contains(o.Status)),
            "all" => orders,
            _ => orders.Where(o => !done.Contains(o.Status)),
        };
        if (Order.Kinds.Contains(Kind ?? ""))
        {
            orders = orders.Where(o => o.Kind == Kind);
        }
        Orders = await PageAsync(orders, q => q.OrderByDescending(o => o.UpdatedAt),
            o => new OrderRow(o.Id, o.Reference, o.Title, o.Kind, o.Status, o.Milestones, o.UpdatedAt),
            SyncedObjectTypes.Orders, ct);
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Filters() => [new("show", Show), new("kind", Kind)];
}
