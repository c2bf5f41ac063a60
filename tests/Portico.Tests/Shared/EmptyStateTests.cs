namespace Portico.Tests.Shared;

public sealed class EmptyStateTests(PorticoApp app) : AppTests
{
    [Theory]
    [InlineData("requests", "No requests yet.", "requests/new")]
    [InlineData("requests?q=nothing-like-this", "No requests match these filters.", "requests")]
    [InlineData("invoices", "No invoices yet.", null)]
    [InlineData("orders?show=all", "No orders or projects yet.", null)]
    [InlineData("orders", "No orders or projects match.", "orders?show=all")]
    [InlineData("documents", "No folders are shared with your role yet.", null)]
    [InlineData("contacts", "Nobody else has access yet.", null)]
    public async Task An_empty_list_says_what_is_missing_and_what_to_do_next(string path, string title, string? action)
    {
        var (account, owner, client) = await app.SignedInCustomerAsync(BuiltInRoles.Owner);

        var empty = (await client.GetPageAsync($"/a/{account.Id}/{path}")).QuerySelector("[data-testid=empty-state]");

        Assert.NotNull(empty);
        Assert.Equal(title, empty.QuerySelector(".empty-title")!.TextContent.Trim());
        Assert.True(empty.QuerySelectorAll("p").Length >= 2, "the empty state says what to do next");
        if (action is not null)
        {
            Assert.Equal($"/a/{account.Id}/{action}", empty.QuerySelector("a.button")!.GetAttribute("href"));
        }
    }
}
