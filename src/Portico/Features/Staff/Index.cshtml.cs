using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Staff;

[Authorize(Policy = Policies.Staff)]
public sealed class IndexModel(PorticoDb db) : PageModel
{
    public int Accounts { get; private set; }
    public int PendingOutbox { get; private set; }
    public int FailedOutbox { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Accounts = await db.Accounts.CountAsync(cancellationToken);
        PendingOutbox = await db.OutboxMessages.CountAsync(m => m.DeliveredAt == null && m.FailedAt == null, cancellationToken);
        FailedOutbox = await db.OutboxMessages.CountAsync(m => m.FailedAt != null, cancellationToken);
    }
}
