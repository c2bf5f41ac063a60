using System.Globalization;
using System.Text.Json.Nodes;

namespace Portico.TestSystemOfRecord;

/// A change the source made, as it sends it: a whole record, or a delete of one ({"externalId", "deleted": true, "version"}).
internal sealed record Change(string Type, JsonObject Record)
{
    public string Id => (string)Record["externalId"]!;
}

/// The source's own records and the random changes it makes to them. Accounts are ordered by their change time
/// (updatedAt, as a CRM gives it) and only created or renamed, since the portal's API never deletes accounts;
/// invoices and orders carry a version that grows with each change and are created, changed, moved and deleted.
internal sealed class Source(Random random)
{
    public const string Accounts = "accounts";
    public const string Invoices = "invoices";
    public const string Orders = "orders";
    /// An account the source never sends: every record for it must become a data-quality incident in the portal.
    public const string UnknownAccount = "GHOST-1";

    private static readonly string[] Currencies = ["EUR", "USD", "GBP"];
    private static readonly string[] InvoiceStatuses = ["open", "paid", "void"];
    private static readonly string[] OrderStatuses = ["Received", "Planned", "InProgress", "OnHold", "Shipped", "Delivered", "Completed", "Cancelled"];
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private int _sequence;
    private DateTime _lastStamp = DateTime.MinValue;

    public Dictionary<string, JsonObject> Records(string type) => type switch
    {
        Accounts => AccountRecords,
        Invoices => InvoiceRecords,
        _ => OrderRecords,
    };

    public Dictionary<string, JsonObject> AccountRecords { get; } = [];
    public Dictionary<string, JsonObject> InvoiceRecords { get; } = [];
    public Dictionary<string, JsonObject> OrderRecords { get; } = [];
    public int Changes { get; private set; }

    /// One random create, change or delete.
    public Change Next()
    {
        Changes++;
        var roll = random.Next(100);
        if (AccountRecords.Count < 3 || roll < 12)
        {
            return AccountRecords.Count < 3 || random.Next(3) == 0 ? Keep(Accounts, Account("A-" + ++_sequence)) : Keep(Accounts, Rename(Pick(AccountRecords)));
        }
        var type = roll < 56 ? Invoices : Orders;
        var records = Records(type);
        var what = random.Next(10);
        if (records.Count == 0 || what < 4)
        {
            var id = $"{type[0]}-{++_sequence}";
            return Keep(type, type == Invoices ? Invoice(id, AccountFor(), 1) : Order(id, AccountFor(), 1));
        }
        var pick = Pick(records);
        var (pickId, account, version) = ((string)pick["externalId"]!, (string)pick["externalAccountId"]!, (long)pick["version"]! + 1);
        if (what < 8)
        {
            // Now and then a record moves to another account; never away from or to the unknown one, so it stays an incident.
            if (account != UnknownAccount && random.Next(10) == 0)
            {
                account = AccountFor(known: true);
            }
            return Keep(type, type == Invoices ? Invoice(pickId, account, version) : Order(pickId, account, version));
        }
        records.Remove(pickId);
        return new Change(type, new JsonObject { ["externalId"] = pickId, ["deleted"] = true, ["version"] = version });
    }

    /// Orders created at once, as a bulk import at the source would, for accounts the portal already holds.
    public List<Change> Bulk(int count, IReadOnlyList<string> accounts, string prefix)
    {
        var changes = new List<Change>();
        for (var i = 0; i < count; i++)
        {
            changes.Add(Keep(Orders, Order($"{prefix}{i}", accounts[random.Next(accounts.Count)], 1)));
            Changes++;
        }
        return changes;
    }

    /// A record the portal must refuse (an unknown currency or status) under an id of its own.
    public JsonObject Invalid(string type) => type switch
    {
        Invoices => Set(Invoice("BAD-" + ++_sequence, AccountFor(known: true), 1), "currency", "XXX"),
        Orders => Set(Order("BAD-" + ++_sequence, AccountFor(known: true), 1), "status", "Lost"),
        _ => new JsonObject { ["externalId"] = "BAD-" + ++_sequence, ["name"] = "", ["updatedAt"] = Stamp() },
    };

    private static JsonObject Set(JsonObject record, string name, string value)
    {
        record[name] = value;
        return record;
    }

    private Change Keep(string type, JsonObject record)
    {
        Records(type)[(string)record["externalId"]!] = record;
        return new Change(type, (JsonObject)record.DeepClone());
    }

    private JsonObject Pick(Dictionary<string, JsonObject> records) => records.Values.ElementAt(random.Next(records.Count));

    private string AccountFor(bool known = false) =>
        !known && random.Next(40) == 0 ? UnknownAccount : (string)Pick(AccountRecords)["externalId"]!;

    private JsonObject Account(string id) => new() { ["externalId"] = id, ["name"] = $"Company {id} {random.Next(1000)}", ["updatedAt"] = Stamp() };

    private JsonObject Rename(JsonObject account) => Account((string)account["externalId"]!);

    /// Strictly later than the last change time given out, to the microsecond the portal keeps.
    private string Stamp()
    {
        var now = new DateTime(DateTime.UtcNow.Ticks / 10 * 10, DateTimeKind.Utc);
        _lastStamp = now > _lastStamp ? now : _lastStamp.AddTicks(10);
        return _lastStamp.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
    }

    private JsonObject Invoice(string id, string account, long version)
    {
        var currency = Currencies[random.Next(Currencies.Length)];
        var lines = new JsonArray();
        var total = 0m;
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var quantity = random.Next(1, 6);
            var unit = random.Next(100, 50_000) / 100m;
            total += quantity * unit;
            lines.Add(new JsonObject { ["description"] = $"Item {random.Next(100)}", ["quantity"] = quantity, ["unitPrice"] = unit, ["amount"] = quantity * unit });
        }
        var status = InvoiceStatuses[random.Next(InvoiceStatuses.Length)];
        var issued = Today.AddDays(-random.Next(90));
        var invoice = new JsonObject
        {
            ["externalId"] = id,
            ["externalAccountId"] = account,
            ["number"] = $"INV-{++_sequence}",
            ["currency"] = currency,
            ["issuedOn"] = Date(issued),
            ["dueOn"] = Date(issued.AddDays(random.Next(60))),
            ["status"] = status,
            ["total"] = total,
            ["lines"] = lines,
            ["payments"] = status == "paid"
                ? new JsonArray(new JsonObject { ["paidOn"] = Date(issued.AddDays(random.Next(30))), ["amount"] = total, ["reference"] = $"PAY-{_sequence}" })
                : new JsonArray(),
            ["version"] = version,
        };
        if (random.Next(3) == 0)
        {
            invoice["pdfUrl"] = $"https://billing.example/invoices/{id}.pdf";
        }
        return invoice;
    }

    private JsonObject Order(string id, string account, long version)
    {
        var milestones = new JsonArray();
        for (var i = random.Next(4); i > 0; i--)
        {
            var due = Today.AddDays(random.Next(-30, 60));
            milestones.Add(new JsonObject { ["name"] = $"Step {i}", ["dueOn"] = Date(due), ["doneOn"] = random.Next(2) == 0 ? Date(due) : null });
        }
        var timeline = new JsonArray();
        for (var i = random.Next(3); i > 0; i--)
        {
            var at = new DateTime(DateTime.UtcNow.AddMinutes(-random.Next(100_000)).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            timeline.Add(new JsonObject { ["at"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), ["text"] = $"Event {random.Next(100)}" });
        }
        var order = new JsonObject
        {
            ["externalId"] = id,
            ["externalAccountId"] = account,
            ["reference"] = $"SO-{++_sequence}",
            ["title"] = $"Work {_sequence}",
            ["kind"] = random.Next(4) == 0 ? "Project" : "Order",
            ["status"] = OrderStatuses[random.Next(OrderStatuses.Length)],
            ["milestones"] = milestones,
            ["timeline"] = timeline,
            ["version"] = version,
        };
        if (random.Next(3) == 0)
        {
            order["tracking"] = new JsonObject { ["carrier"] = "DHL", ["number"] = $"TR{_sequence}", ["url"] = $"https://track.example/{_sequence}" };
        }
        return order;
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
