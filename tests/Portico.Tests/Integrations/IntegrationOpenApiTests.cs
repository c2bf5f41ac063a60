namespace Portico.Tests.Integrations;

public sealed class IntegrationOpenApiTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task The_openapi_document_describes_every_integration_operation()
    {
        using var client = app.Anonymous();

        var response = await client.Http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("operationId", out _))
                .Select(o => (Id: o.Value.GetProperty("operationId").GetString()!, Path: path.Name, Method: o.Name, Operation: o.Value)))
            .ToDictionary(o => o.Id);
        var expected = new Dictionary<string, (string Path, string Method)>
        {
            ["GetIntegrationStatus"] = ("/api/integration/status", "get"),
            ["UpsertAccounts"] = ("/api/integration/accounts", "put"),
            ["UpsertInvoices"] = ("/api/integration/invoices", "put"),
            ["UpsertOrders"] = ("/api/integration/orders", "put"),
            ["DeleteInvoice"] = ("/api/integration/invoices/{externalId}", "delete"),
            ["DeleteOrder"] = ("/api/integration/orders/{externalId}", "delete"),
            ["StartInvoicesSnapshot"] = ("/api/integration/invoices/snapshots", "post"),
            ["SendInvoicesSnapshotPage"] = ("/api/integration/invoices/snapshots/{snapshotId}/pages/{page}", "put"),
            ["EndInvoicesSnapshot"] = ("/api/integration/invoices/snapshots/{snapshotId}/end", "post"),
        };
        foreach (var (id, (path, method)) in expected)
        {
            Assert.True(operations.TryGetValue(id, out var operation), $"{id} is missing from the OpenAPI document.");
            Assert.Equal((path, method), (operation.Path, operation.Method));
        }
        // The batch operations say what to send.
        foreach (var id in new[] { "UpsertAccounts", "UpsertInvoices", "UpsertOrders", "SendInvoicesSnapshotPage" })
        {
            var body = operations[id].Operation.GetProperty("requestBody").GetProperty("content");
            Assert.True(body.TryGetProperty("application/json", out _), $"{id} does not document a JSON body.");
        }
        // Records document the source's version and change time.
        var invoice = operations["UpsertInvoices"].Operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema")
            .GetProperty("properties").GetProperty("records").GetProperty("items").GetProperty("properties");
        Assert.Contains("stale", invoice.GetProperty("version").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("time zone", invoice.GetProperty("updatedAt").GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
