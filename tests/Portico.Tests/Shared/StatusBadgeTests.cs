using System.Reflection;
using AngleSharp.Html.Dom;
using Portico.Features.Billing;
using Portico.Features.Requests;
using Portico.Features.Shared;
using Portico.Tests.Orders;

namespace Portico.Tests.Shared;

public sealed class StatusBadgeTests(PorticoApp app) : AppTests
{
    /// Every status or state enum of the portal, found by name so a new one is covered the day it is added.
    private static List<Type> StatusEnumTypes() =>
        typeof(PorticoUser).Assembly.GetTypes()
            .Where(t => t.IsEnum && t.Namespace?.StartsWith("Portico.Features", StringComparison.Ordinal) == true
                && (t.Name.EndsWith("Status", StringComparison.Ordinal) || t.Name.EndsWith("State", StringComparison.Ordinal)))
            .ToList();

    public static TheoryData<string> StatusEnums() => new(StatusEnumTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(StatusEnums))]
    public void Every_value_of_each_status_enum_has_a_human_name_and_a_badge(string enumName)
    {
        var type = typeof(PorticoUser).Assembly.GetType(enumName)!;
        foreach (Enum value in Enum.GetValues(type))
        {
            Assert.False(string.IsNullOrWhiteSpace(HumanText.DisplayName(value)), $"{enumName}.{value} has no [Display(Name)]");
            Assert.True(StatusBadges.Of(value) is not null, $"{enumName}.{value} has no [Badge]");
        }
    }

    [Fact]
    public void The_status_enums_found_include_those_of_requests_invoices_orders_approvals_and_documents()
    {
        var names = StatusEnumTypes().Select(t => t.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "RequestStatus", "InvoiceStatus", "InvoiceState", "OrderStatus", "ChangeStatus", "AcknowledgementState" }, names);
    }

    [Fact]
    public void Open_overdue_and_paid_invoices_get_different_badge_classes()
    {
        var classes = new[] { InvoiceState.Open, InvoiceState.Overdue, InvoiceState.Paid }.Select(s => StatusBadges.For(s).ToneClass).ToList();
        Assert.Equal(3, classes.Distinct().Count());
    }

    [Fact]
    public void Every_order_status_a_source_may_send_has_a_badge()
    {
        Assert.All(Portico.Features.Orders.Order.Statuses, s => Assert.IsType<Portico.Features.Orders.OrderStatus>(Portico.Features.Orders.Order.StatusOf(s)));
    }

    private static string Text(IHtmlDocument page) => page.Body!.TextContent;

    private static void ShowsHumanNames(IHtmlDocument page, params string[] human)
    {
        foreach (var name in human)
        {
            Assert.Contains(name, Text(page), StringComparison.Ordinal);
        }
        Assert.DoesNotContain("InProgress", Text(page), StringComparison.Ordinal);
        Assert.DoesNotContain("WaitingOnCustomer", Text(page), StringComparison.Ordinal);
        Assert.DoesNotContain("OnHold", Text(page), StringComparison.Ordinal);
        Assert.DoesNotContain("0.00:00", Text(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Order_pages_show_human_status_names_in_badges()
    {
        var integration = await app.CreateIntegrationAsync();
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var order = await app.AddOrderAsync(account, integration, "SO-" + PorticoApp.Unique()[..6], "InProgress");
        await app.AddOrderAsync(account, integration, "SO-" + PorticoApp.Unique()[..6], "OnHold");
        using var client = await app.SignInAsync(owner);

        var list = await client.GetPageAsync($"/a/{account.Id}/orders");
        ShowsHumanNames(list, "In progress", "On hold");
        Assert.NotNull(list.QuerySelector("[data-testid=order-row] .status.tone-progress svg.icon"));
        var detail = await client.GetPageAsync($"/a/{account.Id}/orders/{order.Id}");
        ShowsHumanNames(detail, "In progress");
        Assert.Equal("In progress", detail.QuerySelector("[data-testid=order-status]")!.TextContent.Trim());
        ShowsHumanNames(await client.GetPageAsync($"/a/{account.Id}"), "In progress");
    }

    [Fact]
    public async Task Invoice_pages_show_overdue_and_paid_badges_apart()
    {
        var integration = await app.CreateIntegrationAsync();
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var overdue = await app.CreateInvoiceAsync(account, integration, dueOn: today.AddDays(-3));
        await app.CreateInvoiceAsync(account, integration, status: InvoiceStatus.Paid);
        await app.CreateInvoiceAsync(account, integration);
        using var client = await app.SignInAsync(owner);

        var list = await client.GetPageAsync($"/a/{account.Id}/invoices");
        var badges = list.QuerySelectorAll("[data-testid=invoice-row] .status").ToDictionary(b => b.TextContent.Trim(), b => b.ClassName);
        Assert.Equal(["Open", "Overdue", "Paid"], badges.Keys.Order(StringComparer.Ordinal));
        Assert.NotEqual(badges["Overdue"], badges["Paid"]);
        Assert.NotEqual(badges["Overdue"], badges["Open"]);
        Assert.All(list.QuerySelectorAll("[data-testid=invoice-row] .status"), b => Assert.NotNull(b.QuerySelector("svg.icon")));
        var detail = await client.GetPageAsync($"/a/{account.Id}/invoices/{overdue.Id}");
        Assert.Equal("Overdue", detail.QuerySelector("[data-testid=invoice-status]")!.TextContent.Trim());
        Assert.Contains("tone-danger", detail.QuerySelector("[data-testid=invoice-status]")!.ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_pages_show_human_status_names_and_durations()
    {
        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        var type = await app.CreateRequestTypeAsync();
        var (account, requester) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var request = await app.CreateRequestAsync(account, requester, type);
        await app.WithDbAsync(db => db.Requests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RequestStatus.InProgress)));
        using var customer = await app.SignInAsync(requester);
        using var staff = await app.SignInAsync(agent);

        ShowsHumanNames(await customer.GetPageAsync($"/a/{account.Id}/requests"), "In progress");
        ShowsHumanNames(await customer.GetPageAsync($"/a/{account.Id}/requests/{request.Id}"), "In progress");
        ShowsHumanNames(await staff.GetPageAsync($"/staff/requests?account={account.Id}"), "In progress");
        var staffDetail = await staff.GetPageAsync($"/staff/requests/{request.Id}");
        ShowsHumanNames(staffDetail, "In progress");
        Assert.Equal("not paused", staffDetail.QuerySelector("[data-testid=paused-time]")!.TextContent.Trim());

        await app.WithDbAsync(db => db.Requests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.PausedSeconds, 2 * 3600 + 15 * 60)));
        Assert.Equal("2 h 15 min", (await staff.GetPageAsync($"/staff/requests/{request.Id}")).QuerySelector("[data-testid=paused-time]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Recent_request_times_read_as_relative_with_the_exact_time_on_hover()
    {
        var type = await app.CreateRequestTypeAsync();
        var (account, requester) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var request = await app.CreateRequestAsync(account, requester, type);
        var updated = DateTime.UtcNow.AddHours(-3).AddMinutes(-5);
        await app.WithDbAsync(db => db.Requests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.UpdatedAt, updated)));
        using var customer = await app.SignInAsync(requester);

        var time = (await customer.GetPageAsync($"/a/{account.Id}/requests")).QuerySelector("[data-testid=request-row] time")!;

        Assert.Equal("3 hours ago", time.TextContent.Trim());
        Assert.Equal(updated.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture), time.GetAttribute("title"));
        Assert.StartsWith(updated.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), time.GetAttribute("datetime"), StringComparison.Ordinal);
    }
}
