using Microsoft.AspNetCore.Http.HttpResults;

namespace Portico.Features.Requests;

public sealed record RequestTypeDto(Guid Id, string Name, string Description, IReadOnlyList<RequestField> Fields);

public sealed record RequestSummaryDto(Guid Id, int Number, string Subject, string Type, string Status, string Priority,
    string SubmittedBy, string? AssignedTo, DateTime CreatedAt, DateTime UpdatedAt, bool SharedWithAccount);

public sealed record RequestListDto(IReadOnlyList<RequestSummaryDto> Items, int Page, int PageSize, int Total);

public sealed record AttachmentDto(Guid Id, string FileName, long Size, string Url);

public sealed record MessageDto(Guid Id, string Author, bool FromStaff, string Body, DateTime CreatedAt, IReadOnlyList<AttachmentDto> Attachments);

public sealed record TimelineDto(DateTime At, string Actor, string Text);

public sealed record RequestDto(RequestSummaryDto Summary, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<AttachmentDto> FieldFiles,
    IReadOnlyList<MessageDto> Messages, IReadOnlyList<TimelineDto> Timeline, DateTime FirstResponseDueAt, DateTime ResolutionDueAt,
    DateTime? FirstRespondedAt, DateTime? ResolvedAt);

/// A file sent through the API, base64-encoded.
public sealed record FileUploadDto(string? FieldKey, string? FileName, string? ContentBase64);

/// Fields: each custom field's key with a string, a number, or a list of strings for multi-choice.
public sealed record CreateRequestDto(Guid TypeId, string? Subject, string? Priority, bool Shared, Dictionary<string, JsonElement>? Fields, List<FileUploadDto>? Files);

public sealed record ReplyDto(string? Body, List<FileUploadDto>? Files);

public static class RequestsApi
{
    public static void MapRequests(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/accounts/{accountId:guid}").WithTags("Requests");

        api.MapGet("/request-types", async Task<Ok<List<RequestTypeDto>>> (SubmitRequest submit, CancellationToken ct) =>
            TypedResults.Ok((await submit.TypesAsync(ct)).Select(t => new RequestTypeDto(t.Id, t.Name, t.Description, t.Fields)).ToList()))
            .RequireAccountPermission(Permissions.RequestsCreate)
            .WithName("ListRequestTypes").WithSummary("Request types the signed-in member may submit.");

        api.MapGet("/requests", async Task<Ok<RequestListDto>> (Guid accountId, RequestStatus? status, Guid? typeId, Guid? submitterId, string? q, int? page,
            RequestAccess access, PorticoDb db, CancellationToken ct) =>
        {
            var list = await RequestQueries.ListAsync(access.Visible(), db, new RequestFilter(status, typeId, submitterId, q?.Length > 200 ? q[..200] : q, page ?? 1), ct);
            return TypedResults.Ok(new RequestListDto(list.Items.Select(Summary).ToList(), list.Page, list.PageSize, list.Total));
        }).RequireAccountPermission(Permissions.RequestsView)
          .WithName("ListRequests").WithSummary("Requests the member may see, newest activity first, 25 a page.");

        api.MapGet("/requests/{requestId:guid}", async Task<Results<Ok<RequestDto>, NotFound>> (Guid accountId, Guid requestId, RequestAccess access, PorticoDb db, CancellationToken ct) =>
        {
            var detail = await RequestQueries.DetailAsync(access.Visible(), db, requestId, forStaff: false, ct);
            return detail is null ? TypedResults.NotFound() : TypedResults.Ok(ToDto(detail, accountId));
        }).RequireAccountPermission(Permissions.RequestsView)
          .WithName("GetRequest").WithSummary("One request with its fields, public conversation and timeline.");

        api.MapPost("/requests", async Task<Results<Created<RequestDto>, ValidationProblem, NotFound, ProblemHttpResult>> (Guid accountId, CreateRequestDto body,
            SubmitRequest submit, RequestAccess access, PorticoDb db, IOptions<RequestOptions> options, CancellationToken ct) =>
        {
            var (files, fileErrors) = Decode(body.Files, options.Value);
            if (fileErrors is not null)
            {
                return TypedResults.ValidationProblem(fileErrors);
            }
            var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var (key, element) in body.Fields ?? [])
            {
                values[key] = element.ValueKind switch
                {
                    JsonValueKind.Array => element.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText()).ToList(),
                    JsonValueKind.String => [element.GetString() ?? ""],
                    JsonValueKind.Null or JsonValueKind.Undefined => [],
                    _ => [element.GetRawText()],
                };
            }
            var byField = files.GroupBy(f => f.FieldKey ?? "").ToDictionary(g => g.Key, g => (IReadOnlyList<UploadedFile>)g.Select(f => f.File).ToList());
            var outcome = await submit.RunAsync(body.TypeId, new RequestInput(body.Subject, body.Priority, body.Shared, values, byField), ct);
            return await outcome.ToApiResultAsync(async request =>
            {
                var detail = await RequestQueries.DetailAsync(access.Visible(), db, request.Id, forStaff: false, ct);
                return TypedResults.Created($"/api/accounts/{accountId}/requests/{request.Id}", ToDto(detail!, accountId));
            }, "type");
        }).RequireAccountPermission(Permissions.RequestsCreate)
          .WithName("CreateRequest").WithSummary("Submit a request; fields are validated against its type exactly as on the form.");

        api.MapPost("/requests/{requestId:guid}/replies", async Task<Results<Ok<RequestDto>, ValidationProblem, NotFound, ProblemHttpResult>> (Guid accountId, Guid requestId, ReplyDto body,
            CustomerRequestActions actions, RequestAccess access, PorticoDb db, IOptions<RequestOptions> options, CancellationToken ct) =>
        {
            var (files, fileErrors) = Decode(body.Files, options.Value);
            if (fileErrors is not null)
            {
                return TypedResults.ValidationProblem(fileErrors);
            }
            var outcome = await actions.ReplyAsync(requestId, body.Body, files.Select(f => f.File).ToList(), ct);
            return await outcome.ToApiResultAsync(async () =>
            {
                var detail = await RequestQueries.DetailAsync(access.Visible(), db, requestId, forStaff: false, ct);
                return TypedResults.Ok(ToDto(detail!, accountId));
            }, "body");
        }).RequireAccountPermission(Permissions.RequestsCreate)
          .WithName("ReplyToRequest").WithSummary("Add a public reply; refused on resolved and closed requests.");

        routes.MapGet("/a/{accountId:guid}/requests/{requestId:guid}/files/{attachmentId:guid}",
            async (Guid requestId, Guid attachmentId, RequestAccess access, PorticoDb db, AttachmentFiles files, HttpContext http, CancellationToken ct) =>
                await files.DownloadAsync(await RequestQueries.AttachmentAsync(access.Visible(), db, requestId, attachmentId, forStaff: false, ct), http, ct)).RequireAccountPermission(Permissions.RequestsView).ExcludeFromDescription();

        routes.MapGet("/staff/requests/{requestId:guid}/files/{attachmentId:guid}",
            async (Guid requestId, Guid attachmentId, PorticoDb db, AttachmentFiles files, HttpContext http, CancellationToken ct) =>
                await files.DownloadAsync(await RequestQueries.AttachmentAsync(db.Requests, db, requestId, attachmentId, forStaff: true, ct), http, ct)).RequireAuthorization(Policies.StaffRequests).ExcludeFromDescription();
    }

    private static (List<(string? FieldKey, UploadedFile File)> Files, Dictionary<string, string[]>? Errors) Decode(List<FileUploadDto>? files, RequestOptions options)
    {
        var result = new List<(string?, UploadedFile)>();
        foreach (var f in files ?? [])
        {
            byte[] content;
            try
            {
                content = Convert.FromBase64String(f.ContentBase64 ?? "");
            }
            catch (FormatException)
            {
                return (result, new() { ["files"] = [$"\"{f.FileName}\" is not valid base64."] });
            }
            result.Add((f.FieldKey, UploadedFile.Named(f.FileName, content)));
        }
        var error = RequestForm.CheckFiles(result.Select(r => r.Item2).ToList(), options);
        return error is null ? (result, null) : (result, new() { ["files"] = [error] });
    }

    private static RequestSummaryDto Summary(RequestRow r) => new(r.Id, r.Number, r.Subject, r.TypeName, r.Status.ToString(), r.Priority.ToString(),
        r.SubmitterName, r.AssigneeName, r.CreatedAt, r.UpdatedAt, r.SharedWithAccount);

    private static RequestDto ToDto(RequestDetail d, Guid accountId)
    {
        var r = d.Request;
        string Url(AttachmentView a) => $"/a/{accountId}/requests/{r.Id}/files/{a.Id}";
        return new RequestDto(
            new RequestSummaryDto(r.Id, r.Number, r.Subject, d.Type.Name, r.Status.ToString(), r.Priority.ToString(), r.SubmitterName, r.AssigneeName,
                r.CreatedAt, r.UpdatedAt, r.SharedWithAccount),
            r.FieldValues,
            d.FieldFiles.Select(a => new AttachmentDto(a.Id, a.FileName, a.Size, Url(a))).ToList(),
            d.Messages.Select(m => new MessageDto(m.Id, m.AuthorName, m.FromStaff, m.Body, m.CreatedAt,
                m.Attachments.Select(a => new AttachmentDto(a.Id, a.FileName, a.Size, Url(a))).ToList())).ToList(),
            d.Timeline.Select(t => new TimelineDto(t.At, t.ActorName, t.Text)).ToList(),
            r.FirstResponseDueAt, r.ResolutionDueAt, r.FirstRespondedAt, r.ResolvedAt);
    }
}
