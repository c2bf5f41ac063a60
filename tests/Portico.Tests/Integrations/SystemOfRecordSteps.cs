namespace Portico.Tests.Integrations;

/// Steps the system-of-record tests share: an owning integration, what it stored, and the batch answer.
internal static class SystemOfRecordSteps
{
    /// An integration with a key that owns the given object types, and an account mapped to an external id.
    public static async Task<(Integration Integration, HttpClient Client, Account Account)> OwnerAndMappedAccountAsync(this PorticoApp app, params string[] objectTypes)
    {
        var (integration, client) = await app.OwnerAsync(objectTypes);
        return (integration, client, await app.CreateMappedAccountAsync());
    }

    /// An integration with a key that owns the given object types.
    public static async Task<(Integration Integration, HttpClient Client)> OwnerAsync(this PorticoApp app, params string[] objectTypes)
    {
        var (integration, client) = await app.CreateIntegrationWithKeyAsync();
        foreach (var type in objectTypes)
        {
            await app.SetOwnerAsync(type, integration.Id);
        }
        return (integration, client);
    }

    /// The integration's invoices in ordinal order of their external ids (the same on every database).
    public static async Task<List<Invoice>> InvoicesOfAsync(this PorticoApp app, Guid integrationId) =>
        (await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AsNoTracking().Where(i => i.IntegrationId == integrationId).ToListAsync()))
            .OrderBy(i => i.ExternalId, StringComparer.Ordinal).ToList();

    public static Task<Integration> ReloadAsync(this PorticoApp app, Guid integrationId) =>
        app.WithDbAsync((db, _) => db.Integrations.AsNoTracking().SingleAsync(i => i.Id == integrationId));

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static void AssertCounts(JsonElement batch, int created, int updated, int unchanged, int failed)
    {
        Assert.Equal(
            (created, updated, unchanged, failed),
            (batch.GetProperty("created").GetInt32(), batch.GetProperty("updated").GetInt32(), batch.GetProperty("unchanged").GetInt32(), batch.GetProperty("failed").GetInt32()));
    }
}
