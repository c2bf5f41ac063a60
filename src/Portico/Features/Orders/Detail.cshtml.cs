namespace Portico.Features.Orders;

[AccountPermission(Permissions.OrdersView)]
public sealed class DetailModel(PorticoDb db, Insights.KeyEvents keyEvents, TimeProvider clock) : SyncedRecordDetailModel<Order>(db, keyEvents, clock, Insights.KeyEventKind.OrderViewed)
{
    public Order Order => Record;

    public Task<IActionResult> OnGetAsync(Guid orderId, CancellationToken ct) => LoadAsync(orderId, ct);
}
