using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;

namespace Portico.Features.Integrations;

public sealed record IntegrationStatusDto(Guid Id, string Name, int ExpectedSyncMinutes, DateTime? LastSuccessAt, DateTime? LastFailureAt, string? LastError,
    long RecordsSynced, int OpenIncidents, IReadOnlyList<string> SystemOfRecordFor);

/// The inbound API for systems of record, authenticated by integration keys only (never a browser session).
public static class IntegrationApi
{
    public const string Policy = "integration";
    public const string RateLimit = "integration";

    public static AuthorizationBuilder AddIntegrationPolicy(this AuthorizationBuilder builder) =>
        builder.AddPolicy(Policy, p => p.AddAuthenticationSchemes(IntegrationKeyAuthentication.SchemeName)
            .RequireAuthenticatedUser().RequireClaim(IntegrationKeyAuthentication.IntegrationClaim));

    internal static Guid IntegrationId(HttpContext http) => Guid.Parse(http.User.FindFirst(IntegrationKeyAuthentication.IntegrationClaim)!.Value);

    public static void MapIntegrationApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/integration").WithTags("Integration").RequireAuthorization(Policy).RequireRateLimiting(RateLimit);

        api.MapGet("/status", async Task<Ok<IntegrationStatusDto>> (HttpContext http, PorticoDb db, CancellationToken ct) =>
        {
            var id = IntegrationId(http);
            var i = await db.Integrations.AsNoTracking().SingleAsync(x => x.Id == id, ct);
            var incidents = await db.DataQualityIncidents.CountAsync(x => x.IntegrationId == id && x.ResolvedAt == null, ct);
            var owns = await db.SystemsOfRecord.Where(s => s.IntegrationId == id).Select(s => s.ObjectType).ToListAsync(ct);
            return TypedResults.Ok(new IntegrationStatusDto(i.Id, i.Name, i.ExpectedSyncMinutes, i.LastSuccessAt, i.LastFailureAt, i.LastError, i.RecordsSynced, incidents, owns));
        }).WithName("GetIntegrationStatus").WithSummary("The calling integration: last success and failure, records synced, open data-quality incidents.");

        MapBatch<AccountRecord>(api, SyncedObjectTypes.Accounts, (sync, id, records, ct) => sync.AccountsAsync(id, false, records, ct), "UpsertAccounts",
            "Create or rename accounts by the CRM's id (externalId). Accounts are never deleted through the API.");
        MapBatch<InvoiceRecord>(api, SyncedObjectTypes.Invoices, (sync, id, records, ct) => sync.InvoicesAsync(id, false, records, ct), "UpsertInvoices",
            "Create or update invoices by the billing system's id. Amounts are decimal numbers with at most the currency's decimals.");
        MapBatch<OrderRecord>(api, SyncedObjectTypes.Orders, (sync, id, records, ct) => sync.OrdersAsync(id, false, records, ct), "UpsertOrders",
            "Create or update orders and projects by the source system's id.");
        MapDelete(api, SyncedObjectTypes.Invoices, "DeleteInvoice");
        MapDelete(api, SyncedObjectTypes.Orders, "DeleteOrder");
        api.MapSnapshots();
        api.MapWriteBacks();
    }

    /// The body as JSON, or why not: another content type (415) or malformed JSON (400).
    internal static async Task<(JsonDocument? Document, ProblemHttpResult? Unsupported, ValidationProblem? Malformed)> ReadJsonAsync(HttpContext http, CancellationToken ct)
    {
        if (!(http.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return (null, TypedResults.Problem("Send the batch as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType), null);
        }
        try
        {
            return (await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct), null, null);
        }
        catch (JsonException e)
        {
            return (null, null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"Malformed JSON: {e.Message}"] }));
        }
    }

    private static void MapBatch<T>(RouteGroupBuilder api, string objectType,
        Func<IntegrationSync, Guid, List<(int Index, T? Record, string? Error)>, CancellationToken, Task<BatchResult>> run, string name, string summary) where T : class
    {
        api.MapPut("/" + objectType, async Task<Results<Ok<BatchResult>, ValidationProblem, ProblemHttpResult>> (HttpContext http, IntegrationSync sync, CancellationToken ct) =>
        {
            var id = IntegrationId(http);
            if (await sync.RefusalAsync(id, objectType, ct) is { } refusal)
            {
                return TypedResults.Problem(refusal, statusCode: StatusCodes.Status403Forbidden);
            }
            var (document, unsupported, malformed) = await ReadJsonAsync(http, ct);
            if (document is null)
            {
                return unsupported is null ? malformed! : unsupported;
            }
            using (document)
            {
                var (records, errors) = IntegrationRecordValidation.Parse<T>(document);
                if (records is null)
                {
                    return TypedResults.ValidationProblem(errors!);
                }
                try
                {
                    return TypedResults.Ok(await run(sync, id, records, ct));
                }
                catch (DbUpdateException)
                {
                    return TypedResults.Problem("Another batch changed the same records at the same moment; nothing from this batch was applied. Send it again.",
                        statusCode: StatusCodes.Status409Conflict);
                }
            }
        })
          // Described for the OpenAPI document only. Accepts() would also make routing answer another content type
          // before the key is checked, with a misleading 401 instead of the 415 above.
          .AddOpenApiOperationTransformer(async (operation, context, ct) => operation.RequestBody = new OpenApiRequestBody
          {
              Required = true,
              Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(Batch<T>), null, ct) } },
          })
          .WithName(name).WithSummary(summary)
          .WithDescription("Each record is checked on its own: valid records are applied and invalid ones are listed with their errors, in one transaction. Replaying a batch changes nothing; unknown fields are errors; records whose account is not mapped are reported as data-quality incidents, never guessed. "
              + "Send each record's version and/or updatedAt: a copy older than the stored one (or the same version with other content) is not applied and comes back as \"stale\", "
              + "so retries and reordered batches cannot roll data back. Once a record was stored with a version or updatedAt, copies without it are refused.");
    }

    private static void MapDelete(RouteGroupBuilder api, string objectType, string name) =>
        api.MapDelete($"/{objectType}/{{externalId}}", async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> (string externalId, string? version, string? updatedAt,
            HttpContext http, IntegrationSync sync, CancellationToken ct) =>
        {
            var id = IntegrationId(http);
            if (await sync.RefusalAsync(id, objectType, ct) is { } refusal)
            {
                return TypedResults.Problem(refusal, statusCode: StatusCodes.Status403Forbidden);
            }
            long? parsedVersion = null;
            DateTime? parsedAt = null;
            if (version is not null)
            {
                if (!long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = ["version must be a whole number, 0 or more."] });
                }
                parsedVersion = v;
            }
            if (updatedAt is not null)
            {
                if (!DateTime.TryParse(updatedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["updatedAt"] = ["updatedAt must be a date and time with a time zone, for example 2026-12-01T09:30:00Z."] });
                }
                parsedAt = at;
            }
            var result = await sync.DeleteAsync(id, objectType, externalId, new SourceStamp(parsedVersion, parsedAt), ct);
            return result.Outcome switch
            {
                "deleted" => TypedResults.NoContent(),
                "stale" => TypedResults.Problem(result.Detail, statusCode: StatusCodes.Status409Conflict),
                "error" => TypedResults.ValidationProblem(result.Errors!.ToDictionary(e => e.Key, e => new[] { e.Value })),
                _ => TypedResults.NotFound(),
            };
        }).WithName(name).WithSummary($"Delete one of {objectType} by the source's id, optionally ?version=N and/or ?updatedAt=… of the delete.")
          .WithDescription("The version the record was deleted at is kept (the delete's, else the stored record's), so an older copy sent later is stale and does not "
              + "bring it back. A delete older than the stored record answers 409 and keeps it. A record that is not there answers 404, and its version is still kept.");
}
