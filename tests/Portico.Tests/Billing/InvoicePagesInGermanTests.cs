namespace Portico.Tests.Billing;

[Collection(AppCollection.Name)]
public sealed class InvoicePagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_invoices_read_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertOwnerReadsInGermanAsync(id => $"/a/{id}/invoices",
            (InGerman.Headings, "Rechnungen", "Invoices"),
            (InGerman.Buttons, "Filtern", "Filter"),
            ("main label", "Rechnungsnummer", "Invoice number"));
    }
}
