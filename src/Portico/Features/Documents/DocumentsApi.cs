using Microsoft.AspNetCore.Http.HttpResults;

namespace Portico.Features.Documents;

public sealed record FolderDto(Guid Id, string Name, int Documents, bool CanUpload);

public sealed record DocumentDto(Guid Id, Guid FolderId, string Name, int Versions, long Size, DateTime UpdatedAt, IReadOnlyList<VersionDto>? VersionHistory);

public sealed record VersionDto(Guid Id, int Number, long Size, string Sha256, string ContentType, string UploadedBy, DateTime CreatedAt, string Url);

public static class DocumentsApi
{
    public static void MapDocuments(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/accounts/{accountId:guid}/documents").WithTags("Documents");

        api.MapGet("/folders", async Task<Ok<List<FolderDto>>> (DocumentAccess access, PorticoDb db, CancellationToken ct) =>
        {
            var folders = await DocumentQueries.FoldersAsync(access.VisibleFolders(), db, ct);
            return TypedResults.Ok(folders.Select(f => new FolderDto(f.Id, f.Name, f.Documents, access.MayUpload(f))).ToList());
        }).RequireAccountPermission(Permissions.DocumentsView)
          .WithName("ListDocumentFolders").WithSummary("Folders the member's role may see.");

        api.MapGet("/", async Task<Ok<List<DocumentDto>>> (Guid? folderId, DocumentAccess access, PorticoDb db, CancellationToken ct) =>
        {
            var documents = access.VisibleDocuments();
            if (folderId is { } id)
            {
                documents = documents.Where(d => d.FolderId == id);
            }
            var rows = await DocumentQueries.DocumentsAsync(documents, db, ct);
            return TypedResults.Ok(rows.Select(r => new DocumentDto(r.Id, r.FolderId, r.Name, r.Versions, r.Size, r.UpdatedAt, null)).ToList());
        }).RequireAccountPermission(Permissions.DocumentsView)
          .WithName("ListDocuments").WithSummary("Documents in the folders the member may see, optionally in one folder.");

        api.MapGet("/{documentId:guid}", async Task<Results<Ok<DocumentDto>, NotFound>> (Guid accountId, Guid documentId, DocumentAccess access, PorticoDb db, CancellationToken ct) =>
        {
            var row = (await DocumentQueries.DocumentsAsync(access.VisibleDocuments().Where(d => d.Id == documentId), db, ct)).SingleOrDefault();
            if (row is null)
            {
                return TypedResults.NotFound();
            }
            var versions = await DocumentQueries.VersionsAsync(db, documentId, ct);
            return TypedResults.Ok(new DocumentDto(row.Id, row.FolderId, row.Name, row.Versions, row.Size, row.UpdatedAt,
                versions.Select(v => new VersionDto(v.Id, v.Number, v.Size, v.Sha256, v.ContentType, v.UploadedByName, v.CreatedAt,
                    $"/api/accounts/{accountId}/documents/{documentId}/versions/{v.Id}/content")).ToList()));
        }).RequireAccountPermission(Permissions.DocumentsView)
          .WithName("GetDocument").WithSummary("One document with its version history.");

        // The body is the file itself, streamed to storage; nothing is buffered in memory.
        api.MapPost("/folders/{folderId:guid}/files", async Task<Results<Created<DocumentDto>, ValidationProblem, NotFound, ProblemHttpResult>> (Guid accountId, Guid folderId, string? name,
            HttpRequest request, DocumentAccess access, UploadDocument upload, CancellationToken ct) =>
        {
            var outcome = await upload.RunAsync(accountId, folderId, name, request.Body, access.Customer, null, ct);
            return await outcome.ToApiResultAsync(uploaded => Task.FromResult(Created(accountId, uploaded)), "file");
        }).RequireAccountPermission(Permissions.DocumentsUpload)
          .WithMetadata(new Microsoft.AspNetCore.Mvc.DisableRequestSizeLimitAttribute())
          .Accepts<Stream>("application/octet-stream")
          .WithName("UploadDocument").WithSummary("Upload a file (the request body) as ?name=…; the same name again adds a version.");

        api.MapGet("/{documentId:guid}/versions/{versionId:guid}/content", (Guid documentId, Guid versionId, DocumentAccess access, DocumentFiles files, HttpContext http, CancellationToken ct) =>
            files.DownloadAsync(access.VisibleDocuments(), documentId, versionId, http, ct))
          .RequireAccountPermission(Permissions.DocumentsView)
          .WithName("DownloadDocumentVersion").WithSummary("The bytes of one version, checked against its SHA-256, as an attachment.");

        routes.MapGet("/a/{accountId:guid}/documents/{documentId:guid}/versions/{versionId:guid}",
            (Guid documentId, Guid versionId, DocumentAccess access, DocumentFiles files, HttpContext http, CancellationToken ct) =>
                files.DownloadAsync(access.VisibleDocuments(), documentId, versionId, http, ct))
            .RequireAccountPermission(Permissions.DocumentsView).ExcludeFromDescription();

        routes.MapGet("/staff/documents/{documentId:guid}/versions/{versionId:guid}",
            (Guid documentId, Guid versionId, PorticoDb db, DocumentFiles files, HttpContext http, CancellationToken ct) =>
                files.DownloadAsync(db.Documents, documentId, versionId, http, ct))
            .RequireAuthorization(Policies.Staff).ExcludeFromDescription();
    }

    private static Created<DocumentDto> Created(Guid accountId, Upload uploaded)
    {
        var (d, v) = (uploaded.Document, uploaded.Version);
        return TypedResults.Created($"/api/accounts/{accountId}/documents/{d.Id}", new DocumentDto(d.Id, d.FolderId, d.Name, d.VersionCount, d.CurrentSize, d.UpdatedAt,
            [new VersionDto(v.Id, v.Number, v.Size, v.Sha256, v.ContentType, v.UploadedByName, v.CreatedAt, $"/api/accounts/{accountId}/documents/{d.Id}/versions/{v.Id}/content")]));
    }
}
