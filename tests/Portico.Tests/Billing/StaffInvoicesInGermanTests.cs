using Portico.Tests.Staff;

namespace Portico.Tests.Billing;

[Collection(AppCollection.Name)]
public sealed class StaffInvoicesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_unpaid_invoices_read_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertAdminReadsInGermanAsync("/staff/invoices",
            (InGerman.Headings, "Unbezahlte Rechnungen", "Unpaid invoices"),
            (InGerman.TableHeaders, "Noch offen", "Still due"),
            (InGerman.Buttons, "Filtern", "Filter"),
            ("main label", "Nur überfällige", "Overdue only"));
    }
}
