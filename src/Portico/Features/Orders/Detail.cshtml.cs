using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Features.Integrations;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Orders;

[AccountPermission(Permissions.OrdersView)]
public sealed class DetailModel(PorticoDb db, TimeProvider clock) : PageModel
{
    public Order Order { get; private set; } = null!;
    public string Source { get; private set; } = "";
    public DateTime Now { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(Guid orderId, CancellationToken ct)
    {
        var order = await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return NotFound();
        }
        Order = order;
        Source = await db.Integrations.Where(i => i.Id == order.IntegrationId).Select(i => i.Name).SingleAsync(ct);
        return Page();
    }

    public FreshnessView Freshness => new(Source, Order.SyncedAt, int.MaxValue, false);
}
