using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Features.Integrations;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Orders;

public sealed record OrderRow(Guid Id, string Reference, string Title, string Kind, string Status, List<Milestone> Milestones, DateTime UpdatedAt)
{
    public Milestone? NextMilestone => Order.Next(Milestones);
}

[AccountPermission(Permissions.OrdersView)]
public sealed class IndexModel(PorticoDb db, Freshness freshness, TimeProvider clock) : PageModel
{
    public const int PageSize = 25;

    /// "active" (default), "done" or "all".
    [BindProperty(SupportsGet = true)] public string? Show { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public Requests.Paged<OrderRow> Orders { get; private set; } = new([], 1, PageSize, 0);
    public FreshnessView? Freshness { get; private set; }
    public DateTime Now { get; } = clock.GetUtcNow().UtcDateTime;

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
        var page = Math.Clamp(PageNumber, 1, 10_000);
        var total = await orders.CountAsync(ct);
        var rows = await orders.OrderByDescending(o => o.UpdatedAt).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(o => new OrderRow(o.Id, o.Reference, o.Title, o.Kind, o.Status, o.Milestones, o.UpdatedAt))
            .ToListAsync(ct);
        Orders = new Requests.Paged<OrderRow>(rows, page, PageSize, total);
        Freshness = await freshness.ForAsync(SyncedObjectTypes.Orders, ct);
    }

    public string PageLink(int page) => QueryString.Create(new Dictionary<string, string?>
    {
        ["show"] = Show, ["kind"] = Kind, ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(kv => !string.IsNullOrEmpty(kv.Value))).ToUriComponent();
}
