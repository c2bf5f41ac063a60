namespace Portico.Tests.Documents;

public sealed class DocumentsOpenApiTests(PorticoApp app) : AppTests
{
    private static readonly string[] Operations = ["ListDocumentFolders", "ListDocuments", "GetDocument", "UploadDocument", "DownloadDocumentVersion"];

    [Fact]
    public async Task The_openapi_document_describes_every_documents_operation()
    {
        using var client = app.Anonymous();
        using var document = JsonDocument.Parse(await client.Http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));

        var operations = new Dictionary<string, (string Method, string Path, JsonElement Operation)>(StringComparer.Ordinal);
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("operationId", out var id))
                {
                    operations[id.GetString()!] = (operation.Name, path.Name, operation.Value);
                }
            }
        }

        const string root = "/api/accounts/{accountId}/documents";
        Assert.Equal(("get", root + "/folders"), Key(operations["ListDocumentFolders"]));
        Assert.Equal(("get", root), Key(operations["ListDocuments"]));
        Assert.Equal(("get", root + "/{documentId}"), Key(operations["GetDocument"]));
        Assert.Equal(("post", root + "/folders/{folderId}/files"), Key(operations["UploadDocument"]));
        Assert.Equal(("get", root + "/{documentId}/versions/{versionId}/content"), Key(operations["DownloadDocumentVersion"]));

        // The upload takes the file as the raw body, and its name from the query.
        var upload = operations["UploadDocument"].Operation;
        Assert.True(upload.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/octet-stream", out _));
        Assert.Contains(upload.GetProperty("parameters").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "name" && p.GetProperty("in").GetString() == "query");
        Assert.All(Operations, id => Assert.Equal("Documents", operations[id].Operation.GetProperty("tags")[0].GetString()));
    }

    private static (string, string) Key((string Method, string Path, JsonElement Operation) operation) =>
        (operation.Method, operation.Path);
}
