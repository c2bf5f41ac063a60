using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Features.Integrations;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Billing;

[AccountPermission(Permissions.InvoicesView)]
public sealed class DetailModel(PorticoDb db, TimeProvider clock) : PageModel
{
    public Invoice Invoice { get; private set; } = null!;
    public string Source { get; private set; } = "";
    public DateTime Now { get; } = clock.GetUtcNow().UtcDateTime;

    public async Task<IActionResult> OnGetAsync(Guid invoiceId, CancellationToken ct)
    {
        var invoice = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == invoiceId, ct);
        if (invoice is null)
        {
            return NotFound();
        }
        Invoice = invoice;
        Source = await db.Integrations.Where(i => i.Id == invoice.IntegrationId).Select(i => i.Name).SingleAsync(ct);
        return Page();
    }

    public FreshnessView Freshness => new(Source, Invoice.SyncedAt, int.MaxValue, false);
}
