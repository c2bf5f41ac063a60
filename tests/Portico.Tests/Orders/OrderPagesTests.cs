using static Portico.Tests.Orders.OrderSteps;

namespace Portico.Tests.Orders;

public sealed class OrderPagesTests(PorticoApp app) : AppTests
{
    private static List<string> References(IHtmlDocument page) =>
        page.QuerySelectorAll("[data-testid=order-row] a").Select(a => a.TextContent.Trim()).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task The_list_shows_active_orders_by_default_and_filters_by_state_and_kind()
    {
        var integration = await app.CreateIntegrationAsync();
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var r = "SO-" + PorticoApp.Unique()[..6];
        foreach (var (suffix, status, kind) in new[]
        {
            ("1", "Received", "Order"), ("2", "InProgress", "Project"), ("3", "OnHold", "Order"), ("4", "Shipped", "Order"),
            ("5", "Delivered", "Order"), ("6", "Completed", "Project"), ("7", "Cancelled", "Order"),
        })
        {
            await app.AddOrderAsync(account, integration, $"{r}-{suffix}", status, kind);
        }
        await app.AddOrderAsync(await app.CreateAccountAsync(), integration, $"{r}-X", "InProgress");
        using var client = await app.SignInAsync(owner);
        var root = $"/a/{account.Id}/orders";
        List<string> Expect(params string[] suffixes) => suffixes.Select(s => $"{r}-{s}").ToList();

        Assert.Equal(Expect("1", "2", "3", "4"), References(await client.GetPageAsync(root)));
        Assert.Equal(Expect("1", "2", "3", "4"), References(await client.GetPageAsync(root + "?show=active")));
        Assert.Equal(Expect("5", "6", "7"), References(await client.GetPageAsync(root + "?show=done")));
        Assert.Equal(Expect("1", "2", "3", "4", "5", "6", "7"), References(await client.GetPageAsync(root + "?show=all")));
        Assert.Equal(Expect("2", "6"), References(await client.GetPageAsync(root + "?show=all&kind=Project")));
        Assert.Equal(Expect("1", "3", "4"), References(await client.GetPageAsync(root + "?kind=Order")));
    }

    [Fact]
    public async Task The_detail_page_shows_status_milestones_tracking_and_timeline()
    {
        var integration = await app.CreateIntegrationAsync();
        var (account, requester) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var reference = "SO-" + PorticoApp.Unique()[..6];
        var order = await app.AddOrderAsync(account, integration, reference, "Shipped", title: "Twelve laptops",
            milestones: [new Milestone("Picked", Today.AddDays(-3), Today.AddDays(-4)), new Milestone("Configured", Today.AddDays(-1), null), new Milestone("Delivered", Today.AddDays(2), null)],
            tracking: new Tracking("DHL", "JD014600", "https://track.example/JD014600"),
            timeline: [new OrderEvent(new DateTime(2024, 5, 2, 9, 30, 0, DateTimeKind.Utc), "Shipped"), new OrderEvent(new DateTime(2024, 5, 1, 8, 0, 0, DateTimeKind.Utc), "Order received")]);
        using var client = await app.SignInAsync(requester);

        var page = await client.GetPageAsync($"/a/{account.Id}/orders/{order.Id}");

        Assert.Equal($"{reference}: Twelve laptops", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("Shipped", page.QuerySelector("[data-testid=order-status]")!.TextContent.Trim());
        var milestones = page.QuerySelectorAll("[data-testid=milestone]").Select(m => string.Join(' ', m.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Equal(
        [
            $"Picked · done {Date(Today.AddDays(-4))}",
            $"Configured · due {Date(Today.AddDays(-1))} late",
            $"Delivered · due {Date(Today.AddDays(2))}",
        ], milestones);
        Assert.NotNull(page.QuerySelector("a[href='https://track.example/JD014600']"));
        Assert.Contains("DHL JD014600", page.Body!.TextContent, StringComparison.Ordinal);
        var timeline = page.QuerySelectorAll("#timeline-heading + ol li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(["2024-05-01 08:00 · Order received", "2024-05-02 09:30 · Shipped"], timeline);
        Assert.Contains($"changes are made in {integration.Name}", page.QuerySelector("[data-testid=freshness]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_billing_member_gets_403_and_a_member_of_another_account_gets_404()
    {
        var integration = await app.CreateIntegrationAsync();
        var (account, billing) = await app.CreateCustomerAsync(BuiltInRoles.Billing);
        var order = await app.AddOrderAsync(account, integration, "SO-" + PorticoApp.Unique()[..6], "InProgress");
        var (other, stranger) = await app.CreateCustomerAsync(BuiltInRoles.Owner);

        using (var client = await app.SignInAsync(billing))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(new Uri($"/a/{account.Id}/orders", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync(new Uri($"/a/{account.Id}/orders/{order.Id}", UriKind.Relative))).StatusCode);
        }
        using (var client = await app.SignInAsync(stranger))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(new Uri($"/a/{other.Id}/orders/{order.Id}", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(new Uri($"/a/{account.Id}/orders/{order.Id}", UriKind.Relative))).StatusCode);
            Assert.Empty(References(await client.GetPageAsync($"/a/{other.Id}/orders?show=all")));
        }
    }
}
