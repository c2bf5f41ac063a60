namespace Portico.Features.Billing;

[AccountPermission(Permissions.InvoicesView)]
public sealed class DetailModel(PorticoDb db, Insights.KeyEvents keyEvents, TimeProvider clock) : SyncedRecordDetailModel<Invoice>(db, keyEvents, clock, Insights.KeyEventKind.InvoiceViewed)
{
    public Invoice Invoice => Record;

    public Task<IActionResult> OnGetAsync(Guid invoiceId, CancellationToken ct) => LoadAsync(invoiceId, ct);
}
