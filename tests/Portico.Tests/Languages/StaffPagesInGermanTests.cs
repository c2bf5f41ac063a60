using static Portico.Tests.Infrastructure.InGerman;

namespace Portico.Tests.Languages;

/// The staff console's pages, each read by a staff member whose browser asks for German and then by one whose browser does not.
[Collection(AppCollection.Name)]
public sealed class StaffPagesInGermanTests(PorticoApp app)
{
    private static readonly GermanPage[] Pages =
    [
        new("console home", Reader.Admin, Needs.Nothing, _ => "/staff",
            (Headings, "Mitarbeiterkonsole", "Staff console"), (Headings, "Offene Anfragen", "Open requests")),
        new("search", Reader.Admin, Needs.Nothing, _ => "/staff/search?q=Nobody" + PorticoApp.Unique(),
            (Headings, "Suchen", "Search"), ("main label", "Finden", "Find")),
        new("team", Reader.Admin, Needs.Nothing, _ => "/staff/team",
            (Headings, "Mitglied des Teams hinzufügen", "Add a staff member"), (TableHeaders, "Letzte Anmeldung", "Last sign-in"),
            (Buttons, "Hinzufügen und Link per E-Mail senden", "Add and email the link")),
        new("account list", Reader.Admin, Needs.Nothing, _ => "/staff/accounts",
            (Headings, "Neues Konto", "New account"), (Buttons, "Anlegen und Owner einladen", "Create and invite the Owner"),
            (TableHeaders, "Mitglieder", "Members")),
        new("an account with its people, timeline and view-as form", Reader.Admin, Needs.Account, m => $"/staff/accounts/{m.AccountId}",
            (Headings, "Zwei-Faktor-Anmeldung", "Two-factor sign-in"), (Headings, "Personen mit Zugang", "People with access"),
            (Headings, "Was geschehen ist", "What happened"), (Headings, "Als Kunde ansehen", "View as a customer"),
            (TableHeaders, "Letzte Anmeldung", "Last sign-in"), (Buttons, "Einladung senden", "Send invitation")),
        new("an account's figures", Reader.Admin, Needs.Account, m => $"/staff/accounts/{m.AccountId}",
            ("[data-testid=account-insights] h2", "Kennzahlen der letzten 90 Tage", "Figures, last 90 days"),
            ("[data-testid=account-insights] dt", "Aktive Personen", "People active")),
        new("an account's documents", Reader.Admin, Needs.Account, m => $"/staff/accounts/{m.AccountId}/documents",
            (Headings, "Neuer Ordner", "New folder"), (Headings, "Ein Dokument beim Konto anfordern", "Ask the account for a document"),
            (Buttons, "Ordner anlegen", "Create folder"), (Buttons, "Anfordern", "Ask for it")),
        new("roles", Reader.Admin, Needs.Nothing, _ => "/staff/roles",
            (Headings, "Neue eigene Rolle", "New custom role"), (TableHeaders, "Berechtigungen", "Permissions"), (Buttons, "Rolle anlegen", "Create role")),
        new("approvals", Reader.Admin, Needs.Nothing, _ => "/staff/approvals",
            (Headings, "Genehmigungen", "Approvals")),
        new("approval rules", Reader.Admin, Needs.Nothing, _ => "/staff/approvals/rules",
            (Headings, "Regel hinzufügen oder ändern", "Add or change a rule"), (TableHeaders, "Genehmigt von", "Approved by"),
            (Buttons, "Regel speichern", "Save rule")),
        new("audit", Reader.Admin, Needs.Nothing, _ => "/staff/audit",
            (Headings, "Prüfprotokoll", "Audit"), (Buttons, "Kette prüfen", "Verify the chain"), ("main label", "Konto-ID", "Account id")),
        new("unpaid invoices", Reader.Admin, Needs.Nothing, _ => "/staff/invoices",
            (Headings, "Unbezahlte Rechnungen", "Unpaid invoices"), (TableHeaders, "Noch offen", "Still due"), (Buttons, "Filtern", "Filter"),
            ("main label", "Nur überfällige", "Overdue only")),
        new("branding", Reader.Admin, Needs.Nothing, _ => "/staff/branding",
            (Headings, "Vorschau", "Preview"), (Buttons, "Markenauftritt speichern", "Save the brand"), ("main label", "Primärfarbe", "Primary colour")),
        new("help categories", Reader.Admin, Needs.Nothing, _ => "/staff/help",
            (Headings, "Kategorien", "Categories"), (Buttons, "Kategorie hinzufügen", "Add category")),
        new("a new help article", Reader.Admin, Needs.Nothing, _ => "/staff/help/edit",
            (Headings, "Veröffentlichte Versionen", "Published versions"), (Buttons, "Entwurf speichern", "Save draft"),
            ("main legend", "Wer ihn lesen darf", "Who may read it")),
        new("a help article being edited", Reader.Admin, Needs.HelpArticle, m => $"/staff/help/edit/{m.Id}",
            ("main h1", "{0} bearbeiten", "Edit {0}"), (Buttons, "Veröffentlichen", "Publish")),
        new("import", Reader.Admin, Needs.Nothing, _ => "/staff/import",
            (Headings, "Import aus CSV", "Import from CSV"), (Buttons, "Prüfen (Probelauf)", "Check (dry run)"),
            ("main label", "Die Datei enthält", "The file contains")),
        new("insights", Reader.Agent, Needs.Nothing, _ => "/staff/insights",
            (Headings, "Auswertungen", "Insights"), (Headings, "Entlastung", "Deflection"), (Buttons, "Anzeigen", "Show"),
            (TableHeaders, "Aktive Konten", "Active accounts"),
            ("main p.definition", "Der Durchschnitt der Bewertungen von 1 bis 5, die anfragende Personen im Zeitraum gelösten Anfragen gegeben haben.",
                "The average of the 1 to 5 ratings requesters gave resolved requests in the range.")),
        new("integrations", Reader.Admin, Needs.Nothing, _ => "/staff/integrations",
            (Headings, "Integrationen", "Integrations"), (Headings, "Führendes System", "System of record"),
            (Buttons, "Integration hinzufügen", "Add integration"), ("main label", "Rechnungen", "Invoices")),
        new("request queue", Reader.Agent, Needs.Request, m => $"/staff/requests?account={m.AccountId}",
            (Headings, "Anfragen-Warteschlange", "Request queue"), (Buttons, "Anwenden", "Apply"), (TableHeaders, "Zuständig", "Assignee")),
        new("a request", Reader.Agent, Needs.Request, m => StaffPath(m.Id),
            (Headings, "Antworten oder Notiz hinzufügen", "Reply or add a note"), (Buttons, "Status ändern", "Change status"),
            ("main dt", "Zeit bis zur Lösung", "Time to resolution")),
        new("logging a request", Reader.Agent, Needs.Request, m => $"/staff/requests/log?account={m.AccountId}",
            ("main legend", "Eingegangen per", "It came in by"), (Buttons, "Weiter", "Continue")),
        new("request types", Reader.Admin, Needs.RequestType, _ => "/staff/request-types",
            (Headings, "Anfragearten", "Request types"), (TableHeaders, "Wer sie stellen darf", "Who may submit")),
        new("the request type editor", Reader.Admin, Needs.RequestType, _ => "/staff/request-types/edit",
            (Headings, "Servicelevel", "Service levels"), (Buttons, "Anfrageart speichern", "Save request type"),
            ("main select option", "Kurzer Text", "Short text")),
        new("single sign-on providers", Reader.Admin, Needs.Nothing, _ => "/staff/sso",
            (Headings, "Single Sign-on", "Single sign-on"), (Buttons, "Anbieter hinzufügen", "Add a provider")),
        new("a new single sign-on provider", Reader.Admin, Needs.Nothing, _ => "/staff/sso/new",
            (Headings, "Anbieter hinzufügen", "Add a provider"), (Buttons, "Speichern", "Save"),
            ("main label", "Rolle neuer Mitglieder", "Role of new members")),
        new("webhooks", Reader.Admin, Needs.Nothing, _ => "/staff/webhooks",
            (Headings, "Neuer Endpunkt", "New endpoint"), (Headings, "Zustellprotokoll", "Delivery log"), (Buttons, "Endpunkt hinzufügen", "Add endpoint"),
            (TableHeaders, "Versuche", "Attempts")),
    ];

    public static TheoryData<string> Names => GermanScene.Names(Pages.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public Task Reads_in_German_when_the_browser_asks_for_it_and_in_English_otherwise(string page) =>
        Pages.Single(p => p.Name == page).AssertReadsInGermanAsync(app);
}
