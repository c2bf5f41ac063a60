using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;

namespace Portico.Features.Integrations;

/// Reconciliation by full snapshot: start one, send its pages in order, then the end marker with the page count.
internal static class IntegrationSnapshotApi
{
    public static void MapSnapshots(this RouteGroupBuilder api)
    {
        foreach (var objectType in SyncedObjectTypes.All)
        {
            var name = char.ToUpperInvariant(objectType[0]) + objectType[1..];
            api.MapPost($"/{objectType}/snapshots", async Task<Results<Created<SnapshotDto>, ProblemHttpResult>> (HttpContext http, IntegrationSync sync,
                ReconcileSnapshots snapshots, CancellationToken ct) =>
            {
                var id = IntegrationApi.IntegrationId(http);
                if (await RefusalAsync(sync, id, objectType, ct) is { } refusal)
                {
                    return refusal;
                }
                var started = await snapshots.StartAsync(id, objectType, ct);
                return TypedResults.Created($"/api/integration/{objectType}/snapshots/{started.SnapshotId}", started);
            }).WithName($"Start{name}Snapshot").WithSummary($"Start a full snapshot of {objectType}; answers its snapshot id.")
              .WithDescription($"Send every one of the integration's {objectType} in numbered pages, then the end marker. Only then is anything applied: "
                + "records the snapshot did not contain are deleted, and the drift is kept for the health page. A snapshot without a page or end marker for "
                + $"{ReconciliationRun.AbandonAfter.TotalHours:0} hours, or replaced by a newer one, is abandoned and changes nothing.");

            api.MapPut($"/{objectType}/snapshots/{{snapshotId}}/pages/{{page}}", async Task<Results<Ok<SnapshotDto>, ValidationProblem, ProblemHttpResult>> (
                string snapshotId, string page, HttpContext http, IntegrationSync sync, ReconcileSnapshots snapshots, CancellationToken ct) =>
            {
                var id = IntegrationApi.IntegrationId(http);
                if (await RefusalAsync(sync, id, objectType, ct) is { } refusal)
                {
                    return refusal;
                }
                if (!Guid.TryParse(snapshotId, out var snapshot))
                {
                    return TypedResults.Problem(ProblemTexts.Say(http, "No snapshot {0} of {1} for this integration.", snapshotId, objectType), statusCode: StatusCodes.Status404NotFound);
                }
                if (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
                {
                    return TypedResults.Problem("The page number is a whole number from 1.", statusCode: StatusCodes.Status400BadRequest);
                }
                var (document, unsupported, malformed) = await IntegrationApi.ReadJsonAsync(http, ct);
                if (document is null)
                {
                    return unsupported is null ? malformed! : unsupported;
                }
                using (document)
                {
                    // The page's shape is checked now; its records are checked one by one when the snapshot is applied.
                    var (_, errors) = objectType switch
                    {
                        SyncedObjectTypes.Invoices => Shape<InvoiceRecord>(document),
                        SyncedObjectTypes.Orders => Shape<OrderRecord>(document),
                        _ => Shape<AccountRecord>(document),
                    };
                    if (errors is not null)
                    {
                        return TypedResults.ValidationProblem(errors);
                    }
                    var answer = await snapshots.ReceivePageAsync(id, objectType, snapshot, number, document.RootElement.GetProperty("records"), ct);
                    return answer.Value is { } received ? TypedResults.Ok(received) : TypedResults.Problem(answer.Problem, statusCode: answer.Status);
                }
            }).AddOpenApiOperationTransformer(async (operation, context, ct) => operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(BatchOf(objectType), null, ct) } },
            }).WithName($"Send{name}SnapshotPage").WithSummary($"Send page N of a snapshot of {objectType}, numbered from 1, each once and in order.")
              .WithDescription("The body is a batch ({\"records\": [...]}). A page out of order or sent again answers 409 and changes nothing.");

            api.MapPost($"/{objectType}/snapshots/{{snapshotId}}/end", async Task<Results<Ok<ReconciliationDto>, ProblemHttpResult>> (
                string snapshotId, string? pages, HttpContext http, IntegrationSync sync, ReconcileSnapshots snapshots, CancellationToken ct) =>
            {
                var id = IntegrationApi.IntegrationId(http);
                if (await RefusalAsync(sync, id, objectType, ct) is { } refusal)
                {
                    return refusal;
                }
                if (!Guid.TryParse(snapshotId, out var snapshot))
                {
                    return TypedResults.Problem(ProblemTexts.Say(http, "No snapshot {0} of {1} for this integration.", snapshotId, objectType), statusCode: StatusCodes.Status404NotFound);
                }
                try
                {
                    var answer = await snapshots.EndAsync(id, objectType, snapshot, pages, ct);
                    return answer.Value is { } drift ? TypedResults.Ok(drift) : TypedResults.Problem(answer.Problem, statusCode: answer.Status);
                }
                catch (DbUpdateException)
                {
                    return TypedResults.Problem("Another batch changed the same records at the same moment; nothing from this snapshot was applied. End it again.",
                        statusCode: StatusCodes.Status409Conflict);
                }
            }).WithName($"End{name}Snapshot").WithSummary($"End a snapshot of {objectType} with ?pages=N: apply it, delete what it did not contain, answer the drift.");
        }
    }

    private static async Task<ProblemHttpResult?> RefusalAsync(IntegrationSync sync, Guid integrationId, string objectType, CancellationToken ct) =>
        await sync.RefusalAsync(integrationId, objectType, ct) is { } refusal ? TypedResults.Problem(refusal, statusCode: StatusCodes.Status403Forbidden)
        : ReconcileSnapshots.Unreconcilable(objectType) is { } unreconcilable ? TypedResults.Problem(unreconcilable, statusCode: StatusCodes.Status400BadRequest)
        : null;

    private static (object? Records, Dictionary<string, string[]>? Errors) Shape<T>(JsonDocument document) => IntegrationRecordValidation.Parse<T>(document);

    private static Type BatchOf(string objectType) => objectType switch
    {
        SyncedObjectTypes.Invoices => typeof(Batch<InvoiceRecord>),
        SyncedObjectTypes.Orders => typeof(Batch<OrderRecord>),
        _ => typeof(Batch<AccountRecord>),
    };
}
