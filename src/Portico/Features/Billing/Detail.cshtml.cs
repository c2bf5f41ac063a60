using Portico.Features.Accounts;
using Portico.Features.Integrations;

namespace Portico.Features.Billing;

[AccountPermission(Permissions.InvoicesView)]
public sealed class DetailModel(PorticoDb db, TimeProvider clock) : SyncedRecordDetailModel<Invoice>(db, clock)
{
    public Invoice Invoice => Record;

    public Task<IActionResult> OnGetAsync(Guid invoiceId, CancellationToken ct) => LoadAsync(invoiceId, ct);
}
