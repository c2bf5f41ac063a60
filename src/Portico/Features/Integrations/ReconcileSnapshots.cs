namespace Portico.Features.Integrations;

/// An answer of the snapshot API: the value, or the status and message of a refusal.
public sealed record SnapshotAnswer<T>(T? Value, int Status = StatusCodes.Status200OK, string? Problem = null);

public sealed record SnapshotDto(Guid SnapshotId, string ObjectType, string State, int Pages, int Records, DateTime StartedAt, DateTime AbandonsAt);

/// A record of the snapshot that was not applied as sent: stale, or refused with its errors.
public sealed record SnapshotProblem(int Page, int Index, string? ExternalId, string Outcome, IReadOnlyDictionary<string, string>? Errors, string? Detail);

/// The drift a completed snapshot found, and the records it could not apply (at most MaxProblems).
public sealed record ReconciliationDto(Guid SnapshotId, string ObjectType, int Pages, int Records, int Created, int Changed, int Deleted, int Unchanged,
    int Stale, int Failed, IReadOnlyList<SnapshotProblem> Problems);

/// Full snapshots of one object type, sent in numbered pages and applied only when the end marker arrives:
/// records the snapshot did not contain are deleted, and the drift is kept as a reconciliation run.
/// A snapshot that never completes changes nothing.
public sealed class ReconcileSnapshots(PorticoDb db, IntegrationSync sync, AuditLog audit, TimeProvider clock)
{
    public const int MaxProblems = 1000;
    private const int Chunk = 500;

    /// Accounts hold people, requests and documents, so the API never removes them and cannot reconcile them.
    public static string? Unreconcilable(string objectType) => objectType == SyncedObjectTypes.Accounts
        ? "Accounts are never removed through the API, so they cannot be reconciled by snapshot; send invoices or orders."
        : null;

    public async Task<SnapshotDto> StartAsync(Guid integrationId, string objectType, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // A newer snapshot replaces an unfinished one of the same type: the older one is abandoned and its pages dropped.
        var open = await db.ReconciliationRuns.Where(r => r.IntegrationId == integrationId && r.ObjectType == objectType && r.State == ReconciliationState.Open).ToListAsync(ct);
        foreach (var earlier in open)
        {
            earlier.Abandon(now);
        }
        var ids = open.Select(r => r.Id).ToList();
        await db.SnapshotPages.Where(p => ids.Contains(p.RunId)).ExecuteDeleteAsync(ct);
        var run = new ReconciliationRun(integrationId, objectType, now);
        db.ReconciliationRuns.Add(run);
        await db.SaveChangesAsync(ct);
        return Dto(run);
    }

    /// Keeps a page for the end marker. Pages come numbered from 1, each once and in order; anything else changes nothing.
    public async Task<SnapshotAnswer<SnapshotDto>> ReceivePageAsync(Guid integrationId, string objectType, Guid snapshotId, int page, JsonElement records,
        CancellationToken ct)
    {
        var (run, refusal) = await OpenRunAsync(integrationId, objectType, snapshotId, ct);
        if (run is null)
        {
            return new(default, refusal!.Value.Status, refusal.Value.Problem);
        }
        if (page != run.Pages + 1)
        {
            return new(default, StatusCodes.Status409Conflict, page >= 1 && page <= run.Pages
                ? $"Page {page} of this snapshot was already received; nothing changed. Send page {run.Pages + 1} next."
                : $"Pages come in order from 1: send page {run.Pages + 1} next, not {page}; nothing changed.");
        }
        if (page > ReconciliationRun.MaxPages)
        {
            return new(default, StatusCodes.Status409Conflict, $"A snapshot can have at most {ReconciliationRun.MaxPages} pages; send larger pages.");
        }
        db.SnapshotPages.Add(new SnapshotPage(run.Id, page, records.GetRawText()));
        run.PageReceived(records.GetArrayLength(), clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return new(Dto(run));
    }

    /// The end marker names how many pages were sent, so a lost last page is noticed rather than read as deletions.
    public async Task<SnapshotAnswer<ReconciliationDto>> EndAsync(Guid integrationId, string objectType, Guid snapshotId, string? pages, CancellationToken ct)
    {
        var (run, refusal) = await OpenRunAsync(integrationId, objectType, snapshotId, ct);
        if (run is null)
        {
            return new(default, refusal!.Value.Status, refusal.Value.Problem);
        }
        if (!int.TryParse(pages, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var total) || total < 1)
        {
            return new(default, StatusCodes.Status400BadRequest, "End the snapshot with ?pages=N, the number of pages you sent (1 or more).");
        }
        if (total != run.Pages)
        {
            return new(default, StatusCodes.Status409Conflict,
                $"The end marker says {total} pages but {run.Pages} were received; nothing was applied. Send the missing pages, then end again.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var stored = await db.SnapshotPages.Where(p => p.RunId == run.Id).OrderBy(p => p.Number).ToListAsync(ct);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<SnapshotProblem>();
        int created = 0, changed = 0, unchanged = 0, stale = 0, failed = 0;
        foreach (var page in stored)
        {
            using var document = JsonDocument.Parse($"{{\"records\":{page.Records}}}");
            var applied = objectType switch
            {
                SyncedObjectTypes.Invoices => await ApplyAsync<InvoiceRecord>(document, r => r.ExternalId, seen, records => sync.InvoicesAsync(integrationId, false, records, ct)),
                _ => await ApplyAsync<OrderRecord>(document, r => r.ExternalId, seen, records => sync.OrdersAsync(integrationId, false, records, ct)),
            };
            (created, changed, unchanged, stale, failed) = (created + applied.Created, changed + applied.Updated, unchanged + applied.Unchanged,
                stale + applied.Stale, failed + applied.Failed);
            problems.AddRange(applied.Results.Where(r => r.Outcome is "stale" or "error").Take(MaxProblems - problems.Count)
                .Select(r => new SnapshotProblem(page.Number, r.Index, r.ExternalId, r.Outcome, r.Errors, r.Detail)));
        }
        var deleted = await DeleteMissingAsync(integrationId, objectType, seen, ct);
        run.Complete(new BatchResult(created, changed, unchanged, stale, failed, []), deleted, now);
        db.SnapshotPages.RemoveRange(stored);
        audit.Record(AuditActions.IntegrationReconciled, null, "Integration", integrationId.ToString(),
            new { objectType, snapshot = run.Id, run.Pages, run.Records, created, changed, deleted, unchanged, stale, failed });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new(new ReconciliationDto(run.Id, objectType, run.Pages, run.Records, created, changed, deleted, unchanged, stale, failed, problems));
    }

    private async Task<(ReconciliationRun? Run, (int Status, string Problem)? Refusal)> OpenRunAsync(Guid integrationId, string objectType, Guid snapshotId,
        CancellationToken ct)
    {
        // Found only by all three: another integration's snapshot, or one of another type, is not found.
        var run = await db.ReconciliationRuns.SingleOrDefaultAsync(r => r.Id == snapshotId && r.IntegrationId == integrationId && r.ObjectType == objectType, ct);
        if (run is null)
        {
            return (null, (StatusCodes.Status404NotFound, $"No snapshot {snapshotId} of {objectType} for this integration."));
        }
        var state = run.StateAt(clock.GetUtcNow().UtcDateTime);
        return state == ReconciliationState.Open ? (run, null)
            : (null, (StatusCodes.Status409Conflict, state == ReconciliationState.Completed
                ? "This snapshot is already complete; start a new one to reconcile again."
                : $"This snapshot was abandoned (no page for {ReconciliationRun.AbandonAfter.TotalHours:0} hours, or a newer snapshot started) and changed nothing; start a new one."));
    }

    private static async Task<BatchResult> ApplyAsync<T>(JsonDocument document, Func<T, string?> externalId, HashSet<string> seen,
        Func<List<(int Index, T? Record, string? Error)>, Task<BatchResult>> run) where T : class
    {
        var (records, _) = IntegrationRecordValidation.Parse<T>(document);
        // Every record the snapshot names counts as present, even one refused or stale: only absence deletes.
        foreach (var (_, record, _) in records!)
        {
            if (record is not null && externalId(record)?.Trim() is { Length: > 0 } id)
            {
                seen.Add(id);
            }
        }
        return await run(records);
    }

    private async Task<int> DeleteMissingAsync(Guid integrationId, string objectType, HashSet<string> seen, CancellationToken ct)
    {
        var stored = objectType == SyncedObjectTypes.Invoices
            ? await db.Invoices.AcrossAccounts().Where(i => i.IntegrationId == integrationId).Select(i => new { i.ExternalId, i.SourceVersion, i.SourceUpdatedAt }).ToListAsync(ct)
            : await db.Orders.AcrossAccounts().Where(o => o.IntegrationId == integrationId).Select(o => new { o.ExternalId, o.SourceVersion, o.SourceUpdatedAt }).ToListAsync(ct);
        var missing = stored.Where(r => !seen.Contains(r.ExternalId)).ToList();
        var deleted = 0;
        foreach (var chunk in missing.Select(r => r.ExternalId).Chunk(Chunk))
        {
            deleted += objectType == SyncedObjectTypes.Invoices
                ? await db.Invoices.AcrossAccounts().Where(i => i.IntegrationId == integrationId && chunk.Contains(i.ExternalId)).ExecuteDeleteAsync(ct)
                : await db.Orders.AcrossAccounts().Where(o => o.IntegrationId == integrationId && chunk.Contains(o.ExternalId)).ExecuteDeleteAsync(ct);
        }
        // What the snapshot left out is kept at the version it had, so an older copy still on its way cannot bring it back.
        await sync.RememberDeletedAsync(integrationId, objectType, missing.Select(r => (r.ExternalId, r.SourceVersion, r.SourceUpdatedAt)).ToList(), ct);
        return deleted;
    }

    private static SnapshotDto Dto(ReconciliationRun run) =>
        new(run.Id, run.ObjectType, run.State.ToString(), run.Pages, run.Records, run.StartedAt, run.AbandonsAt);
}
