namespace Portico.Tests.Orders;

[Collection(AppCollection.Name)]
public sealed class OrderPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_orders_read_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertOwnerReadsInGermanAsync(id => $"/a/{id}/orders",
            (InGerman.Headings, "Bestellungen und Projekte", "Orders and projects"),
            (InGerman.Buttons, "Filtern", "Filter"),
            ("main label", "Art", "Kind"));
    }
}
