using Portico.Features.Requests;

namespace Portico.Tests.Requests;

public sealed class StaffQueueAccountTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task Queue_rows_name_the_account_beside_each_request_number()
    {
        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        var type = await app.CreateRequestTypeAsync();
        var (first, firstUser) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var (second, secondUser) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var subject = "Printer " + PorticoApp.Unique();
        await app.CreateRequestAsync(first, firstUser, type, subject);
        await app.CreateRequestAsync(second, secondUser, type, subject);
        using var staff = await app.SignInAsync(agent);

        var page = await staff.GetPageAsync($"/staff/requests?q={subject}");

        var numbers = page.QuerySelectorAll("[data-testid=queue-row] [data-testid=queue-number]")
            .Select(n => string.Join(' ', n.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { $"{first.Name} #1", $"{second.Name} #1" }.Order(StringComparer.Ordinal), numbers);
    }
}
