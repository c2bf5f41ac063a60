namespace Portico.Tests.Accounts;

[Collection(AppCollection.Name)]
public sealed class CompanyPageInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_company_page_reads_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertOwnerReadsInGermanAsync(id => $"/a/{id}/company",
            (InGerman.Headings, "Unternehmensdaten", "Company details"),
            (InGerman.Buttons, "Adresse speichern", "Save address"));
    }
}
