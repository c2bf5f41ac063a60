using Microsoft.AspNetCore.Mvc.Testing;

namespace Portico.Tests.Integrations;

/// Steps the integration tests share: keys, a client that sends them, accounts the CRM knows,
/// the system of record per object type, and batches as a source system would send them.
internal static class IntegrationSteps
{
    public const string StatusPath = "/api/integration/status";

    /// A key saved straight to the database; returns the full secret as the staff page would show it once.
    public static Task<(IntegrationKey Key, string Secret)> CreateKeyAsync(this PorticoApp app, Integration integration, string name = "Test key") =>
        app.WithDbAsync(async (db, _) =>
        {
            var (key, secret) = IntegrationKey.Create(integration.Id, name, DateTime.UtcNow);
            db.IntegrationKeys.Add(key);
            await db.SaveChangesAsync();
            return (key, secret);
        });

    /// A client that sends the key as "Authorization: Bearer …" and no cookies of a browser session.
    public static HttpClient ApiClient(this PorticoApp app, string? secret)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (secret is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
        return client;
    }

    /// An integration with a key, and a client that uses it.
    public static async Task<(Integration Integration, HttpClient Client)> CreateIntegrationWithKeyAsync(this PorticoApp app, int expectedSyncMinutes = 60)
    {
        var integration = await app.CreateIntegrationAsync(expectedSyncMinutes);
        var (_, secret) = await app.CreateKeyAsync(integration);
        return (integration, app.ApiClient(secret));
    }

    /// An account the CRM knows by a unique external id.
    public static Task<Account> CreateMappedAccountAsync(this PorticoApp app) => app.WithDbAsync(async (db, _) =>
    {
        var account = new Account("Mapped " + PorticoApp.Unique(), DateTime.UtcNow, "CRM-" + PorticoApp.Unique());
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account;
    });

    /// Makes the integration the system of record for the object type (global: one owner per type).
    public static Task SetOwnerAsync(this PorticoApp app, string objectType, Guid integrationId) => app.WithDbAsync(async db =>
    {
        var current = await db.SystemsOfRecord.SingleOrDefaultAsync(s => s.ObjectType == objectType);
        if (current is null)
        {
            db.SystemsOfRecord.Add(new SystemOfRecord(objectType, integrationId));
        }
        else
        {
            current.AssignTo(integrationId);
        }
        await db.SaveChangesAsync();
    });

    public static Task<HttpResponseMessage> PutBatchAsync(this HttpClient client, string objectType, params JsonNode[] records) =>
        client.PutRawAsync(objectType, new JsonObject { ["records"] = new JsonArray(records.Select(r => r.DeepClone()).ToArray()) }.ToJsonString());

    public static Task<HttpResponseMessage> PutRawAsync(this HttpClient client, string objectType, string json) =>
        client.PutAsync(new Uri("/api/integration/" + objectType, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> DeleteRecordAsync(this HttpClient client, string objectType, string externalId) =>
        client.DeleteAsync(new Uri($"/api/integration/{objectType}/{Uri.EscapeDataString(externalId)}", UriKind.Relative));

    /// The source's answer to a change the portal wrote back: accepted, or refused with a reason.
    public static Task<HttpResponseMessage> AnswerWriteBackAsync(this HttpClient client, object writeBackId, object body) =>
        client.PostAsJsonAsync(new Uri($"/api/integration/write-backs/{writeBackId}/acknowledgement", UriKind.Relative), body);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// The outcome of one record of a batch result, found by its position in the batch.
    public static JsonElement Result(this JsonElement batch, int index) =>
        batch.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("index").GetInt32() == index);

    public static string Outcome(this JsonElement batch, int index) => batch.Result(index).GetProperty("outcome").GetString()!;

    /// The record's errors by field; empty when it has none.
    public static Dictionary<string, string> Errors(this JsonElement batch, int index) =>
        batch.Result(index).TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? errors.EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetString()!)
            : [];

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// A copy of the record as the source sends it at this version or change time.
    public static JsonObject Versioned(JsonObject record, long? version = null, string? updatedAt = null)
    {
        var copy = (JsonObject)record.DeepClone();
        if (version is not null)
        {
            copy["version"] = version;
        }
        if (updatedAt is not null)
        {
            copy["updatedAt"] = updatedAt;
        }
        return copy;
    }

    /// An invoice as the billing system sends it: one line, no payments unless given.
    public static JsonObject InvoiceJson(string externalId, string externalAccountId, string? number = null, string currency = "EUR", decimal total = 100m,
        string status = "open", int issuedDaysAgo = 10, int dueInDays = 20, JsonArray? lines = null, JsonArray? payments = null, string? pdfUrl = null)
    {
        var invoice = new JsonObject
        {
            ["externalId"] = externalId,
            ["externalAccountId"] = externalAccountId,
            ["number"] = number ?? "INV-" + PorticoApp.Unique(),
            ["currency"] = currency,
            ["issuedOn"] = Date(Today.AddDays(-issuedDaysAgo)),
            ["dueOn"] = Date(Today.AddDays(dueInDays)),
            ["status"] = status,
            ["total"] = total,
            ["lines"] = lines ?? new JsonArray(new JsonObject { ["description"] = "Support plan", ["quantity"] = 1, ["unitPrice"] = total, ["amount"] = total }),
            ["payments"] = payments ?? [],
        };
        if (pdfUrl is not null)
        {
            invoice["pdfUrl"] = pdfUrl;
        }
        return invoice;
    }

    /// An order as the ERP sends it.
    public static JsonObject OrderJson(string externalId, string externalAccountId, string? reference = null, string status = "InProgress", string kind = "Order",
        string? title = null, JsonArray? milestones = null, JsonObject? tracking = null, JsonArray? timeline = null)
    {
        var order = new JsonObject
        {
            ["externalId"] = externalId,
            ["externalAccountId"] = externalAccountId,
            ["reference"] = reference ?? "SO-" + PorticoApp.Unique()[..6],
            ["title"] = title ?? "Order " + externalId,
            ["kind"] = kind,
            ["status"] = status,
            ["milestones"] = milestones ?? [],
            ["timeline"] = timeline ?? [],
        };
        if (tracking is not null)
        {
            order["tracking"] = tracking;
        }
        return order;
    }

    public static string NewExternalId(string prefix = "EXT") => $"{prefix}-{PorticoApp.Unique()}";
}
