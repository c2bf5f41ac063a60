namespace Portico.Tests.Staff;

/// The staff home's counts, on a portal of its own so that no other test's requests count.
public sealed class StaffHomeTests : OwnAppTests<EmptyPortalApp>
{
    private static async Task<string[]> CountsAsync(PorticoClient staff)
    {
        var page = await staff.GetPageAsync("/staff");
        string[] kinds = ["open", "mine", "unassigned", "breached"];
        return kinds.Select(kind => page.QuerySelector($"[data-testid={kind}-requests]")!.TextContent.Trim()).ToArray();
    }

    [Fact]
    public async Task The_staff_home_counts_open_own_unassigned_and_breached_work_as_the_queue_does()
    {
        var agent = await App.CreateAgentAsync();
        var type = await App.CreateRequestTypeAsync();
        var (account, user) = await App.CreateCustomerAsync(BuiltInRoles.Requester);
        var mine = await App.CreateRequestAsync(account, user, type, "Mine");
        await App.CreateRequestAsync(account, user, type, "Unassigned");
        var waiting = await App.CreateRequestAsync(account, user, type, "Waiting");
        var closed = await App.CreateRequestAsync(account, user, type, "Closed");
        using (var staff = await App.SignInAsync(agent))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await staff.StaffPostAsync(mine.Id, "Assign", [Field("assignee", "me")])).StatusCode);
            await staff.StaffMoveAsync(waiting.Id, RequestStatus.WaitingOnCustomer);
            await staff.StaffMoveAsync(closed.Id, RequestStatus.Closed);
            Assert.Equal(["3", "1", "2", "0"], await CountsAsync(staff));
        }

        // Past every due time: all open work is late except what waits on the customer.
        App.Clock.Advance(TimeSpan.FromDays(60));
        using var later = await App.SignInAsync(agent);
        Assert.Equal(["3", "1", "2", "2"], await CountsAsync(later));
        var queue = await later.GetPageAsync("/staff/requests?breached=true");
        Assert.Equal("2 requests", queue.QuerySelector("[data-testid=queue-count]")!.TextContent.Trim());
    }
}
