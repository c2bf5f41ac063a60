namespace Portico.Features.Requests.Staff;

public static class QueueFilters
{
    /// Requests past a due clock and not waiting on the customer. Resolution is never due before the first response
    /// and pauses move both clocks, so such a request is also past its next due time, which the open-work index
    /// holds in order: the count stays a short index walk however much work is open.
    public static IQueryable<Request> Breached(this IQueryable<Request> requests, DateTime now) => requests.Where(r =>
        r.NextDueAt < now && r.Status != RequestStatus.WaitingOnCustomer && (
            (r.FirstRespondedAt == null && r.Status != RequestStatus.Resolved && r.Status != RequestStatus.Closed && r.FirstResponseDueAt < now)
            || (r.ResolvedAt == null && r.ResolutionDueAt < now)));

    /// How many, counting no further than the queue does.
    public static Task<int> CountCappedAsync(this IQueryable<Request> requests, CancellationToken ct) =>
        requests.Take(QueueModel.CountLimit + 1).CountAsync(ct);

    public static string ShowCount(int count) =>
        count > QueueModel.CountLimit ? $"{QueueModel.CountLimit:N0}+" : count.ToString("N0", System.Globalization.CultureInfo.CurrentCulture);
}
