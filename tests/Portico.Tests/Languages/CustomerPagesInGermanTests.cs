using static Portico.Tests.Infrastructure.InGerman;

namespace Portico.Tests.Languages;

/// The customer portal's pages, each read by a customer whose browser asks for German and then by one whose browser does not.
[Collection(AppCollection.Name)]
public sealed class CustomerPagesInGermanTests(PorticoApp app)
{
    private static readonly GermanPage[] Pages =
    [
        new("company", Reader.Owner, Needs.Account, m => $"/a/{m.AccountId}/company",
            (Headings, "Unternehmensdaten", "Company details"), (Buttons, "Adresse speichern", "Save address")),
        new("approvals with a change waiting", Reader.Owner, Needs.PendingChange, m => $"/a/{m.AccountId}/approvals",
            (Headings, "Genehmigungen", "Approvals"), (Headings, "Wartet auf Entscheidung", "Waiting for a decision"), (Buttons, "Zurückziehen", "Withdraw"),
            (new Where("[data-testid=pending-change]", Part: true), "Genehmigt durch: Die Kundenbetreuung", "Approver: The account manager"),
            (new Where("[data-testid=pending-change] strong", Part: true), "die Rolle Billing geben (bisher Viewer)", "the Billing role (now Viewer)")),
        new("audit log", Reader.Owner, Needs.Account, m => $"/a/{m.AccountId}/audit",
            (Headings, "Protokoll", "Audit log"), (TableHeaders, "Wer", "Who"),
            (new Where("main [role=region]", Attribute: "aria-label"), "Protokolleinträge (seitlich scrollbar)", "Audit events (scrolls sideways)")),
        new("invoices", Reader.Owner, Needs.Account, m => $"/a/{m.AccountId}/invoices",
            (Headings, "Rechnungen", "Invoices"), (Buttons, "Filtern", "Filter"), ("main label", "Rechnungsnummer", "Invoice number")),
        new("contacts", Reader.Owner, Needs.Account, m => $"/a/{m.AccountId}/contacts",
            (Headings, "Kontakte", "Contacts"), (Buttons, "Einladung senden", "Send invitation"), (TableHeaders, "Zugang bis", "Access until")),
        new("documents", Reader.Owner, Needs.Folder, m => DocumentsPath(m.AccountId),
            (Headings, "Dokumente", "Documents"), (TableHeaders, "Sie können", "You can")),
        new("a folder", Reader.Owner, Needs.Folder, m => FolderPath(m.AccountId, m.Id),
            (Headings, "Hochladen", "Upload"), (Buttons, "Hochladen", "Upload")),
        new("help centre", Reader.Owner, Needs.Account, m => $"/a/{m.AccountId}/help",
            (Headings, "Hilfe", "Help"), (Buttons, "Suchen", "Search")),
        new("orders", Reader.Owner, Needs.Account, m => $"/a/{m.AccountId}/orders",
            (Headings, "Bestellungen und Projekte", "Orders and projects"), (Buttons, "Filtern", "Filter"), ("main label", "Art", "Kind")),
        new("request list", Reader.Owner, Needs.Account, m => $"/a/{m.AccountId}/requests",
            (Headings, "Anfragen", "Requests"), (Buttons, "Filtern", "Filter"), (Buttons, "Erste Anfrage stellen", "Send your first request")),
        new("a request with its reply form", Reader.Requester, Needs.Request, m => CustomerPath(m.AccountId, m.Id),
            (Headings, "Verlauf", "Conversation"), (Buttons, "Antwort senden", "Send reply"), ("main dt", "Gestellt von", "Submitted by")),
    ];

    public static TheoryData<string> Names => GermanScene.Names(Pages.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public Task Reads_in_German_when_the_browser_asks_for_it_and_in_English_otherwise(string page) =>
        Pages.Single(p => p.Name == page).AssertReadsInGermanAsync(app);
}
