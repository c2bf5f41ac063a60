namespace Portico.Tests.Requests;

/// The SLA clocks and the workflow live on the Request itself; these pin their arithmetic.
public sealed class RequestSlaClockTests
{
    private static readonly DateTime Start = new(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc);

    private static Request NewRequest(RequestPriority priority = RequestPriority.High)
    {
        var type = new RequestType("Support", "", Start);
        type.Update("Support", "", true, [], [], null, [new SlaTarget(RequestPriority.High, 4, 48), new SlaTarget(RequestPriority.Normal, 8, 120)], Start);
        return new Request(Guid.NewGuid(), 1, type, "Broken", priority, Guid.NewGuid(), "Rita", false, [], Start);
    }

    [Fact]
    public void Due_times_come_from_the_types_target_for_the_priority()
    {
        var request = NewRequest();
        Assert.Equal(Start.AddHours(4), request.FirstResponseDueAt);
        Assert.Equal(Start.AddHours(48), request.ResolutionDueAt);
        Assert.Equal(Start.AddHours(8), NewRequest(RequestPriority.Normal).FirstResponseDueAt);
        // A priority the type has no target for falls back to the portal's defaults.
        Assert.Equal(Start.AddHours(1), NewRequest(RequestPriority.Urgent).FirstResponseDueAt);
    }

    [Fact]
    public void Waiting_on_the_customer_pauses_the_clocks_and_is_excluded_from_the_measured_times()
    {
        var request = NewRequest();
        request.RecordStaffResponse(Start.AddHours(1));
        request.MoveTo(RequestStatus.WaitingOnCustomer, Start.AddHours(1));
        // Three days waiting: past the 48 h resolution target, but the clock is paused.
        var later = Start.AddHours(1 + 72);
        Assert.False(request.ResolutionBreached(later));

        request.MoveTo(RequestStatus.InProgress, later);
        Assert.Equal(72 * 3600, request.PausedSeconds);
        Assert.Equal(Start.AddHours(48 + 72), request.ResolutionDueAt);
        Assert.False(request.ResolutionBreached(later.AddHours(1)));

        request.MoveTo(RequestStatus.Resolved, later.AddHours(2));
        Assert.Equal(3600, request.FirstResponseSeconds);
        // 75 hours elapsed, 72 of them waiting.
        Assert.Equal(3 * 3600, request.ResolutionSeconds);
        Assert.False(request.ResolutionBreached(later.AddDays(30)));
    }

    [Fact]
    public void A_pause_before_the_first_response_moves_the_first_response_due_time_and_is_not_counted()
    {
        var request = NewRequest();
        request.MoveTo(RequestStatus.WaitingOnCustomer, Start.AddHours(1));
        request.MoveTo(RequestStatus.InProgress, Start.AddHours(11));
        Assert.Equal(Start.AddHours(14), request.FirstResponseDueAt);

        request.RecordStaffResponse(Start.AddHours(12));
        Assert.Equal(2 * 3600, request.FirstResponseSeconds);
        Assert.False(request.FirstResponseBreached(Start.AddHours(13)));
    }

    [Fact]
    public void Open_requests_past_their_due_time_are_breached_and_late_answers_stay_breached()
    {
        var request = NewRequest();
        Assert.False(request.FirstResponseBreached(Start.AddHours(3)));
        Assert.True(request.FirstResponseBreached(Start.AddHours(5)));

        request.RecordStaffResponse(Start.AddHours(5));
        Assert.True(request.FirstResponseBreached(Start.AddHours(6)));
        Assert.Equal(Start.AddHours(5), request.FirstRespondedAt);
        // A second reply does not move the first response.
        request.RecordStaffResponse(Start.AddHours(6));
        Assert.Equal(Start.AddHours(5), request.FirstRespondedAt);
    }

    [Theory]
    [InlineData(RequestStatus.New, RequestStatus.InProgress, true)]
    [InlineData(RequestStatus.InProgress, RequestStatus.WaitingOnCustomer, true)]
    [InlineData(RequestStatus.WaitingOnCustomer, RequestStatus.InProgress, true)]
    [InlineData(RequestStatus.Resolved, RequestStatus.InProgress, true)]
    [InlineData(RequestStatus.Resolved, RequestStatus.Closed, true)]
    [InlineData(RequestStatus.InProgress, RequestStatus.New, false)]
    [InlineData(RequestStatus.Resolved, RequestStatus.WaitingOnCustomer, false)]
    [InlineData(RequestStatus.Closed, RequestStatus.InProgress, false)]
    [InlineData(RequestStatus.Closed, RequestStatus.Resolved, false)]
    public void Only_the_workflows_transitions_are_allowed(RequestStatus from, RequestStatus to, bool allowed)
    {
        Assert.Equal(allowed, RequestWorkflow.CanMove(from, to));
    }

    [Fact]
    public void A_refused_transition_changes_nothing()
    {
        var request = NewRequest();
        request.MoveTo(RequestStatus.Closed, Start.AddHours(1));
        var version = request.Version;

        var error = Assert.Throws<InvalidOperationException>(() => request.MoveTo(RequestStatus.InProgress, Start.AddHours(2)));

        Assert.Contains("Closed cannot move to In progress", error.Message, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Closed, request.Status);
        Assert.Equal(version, request.Version);
    }

    [Fact]
    public void Reopening_clears_the_resolution_so_it_is_measured_again()
    {
        var request = NewRequest();
        request.MoveTo(RequestStatus.Resolved, Start.AddHours(2));
        request.MoveTo(RequestStatus.InProgress, Start.AddHours(3));
        Assert.Null(request.ResolvedAt);
        request.MoveTo(RequestStatus.Resolved, Start.AddHours(5));
        Assert.Equal(5 * 3600, request.ResolutionSeconds);
    }
}
