using Portico.Infrastructure.Storage;

namespace Portico.Features.Documents;

/// Removes blobs no document version, request attachment or brand image points to (an upload that crashed between
/// storing the file and saving its metadata) and unfinished uploads, once they are older than Storage:OrphanAge.
public sealed class BlobSweeper(IServiceScopeFactory scopes, IBlobStorage storage, IOptions<StorageOptions> options, TimeProvider clock, ILogger<BlobSweeper> logger)
{
    private const int Batch = 500;

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - options.Value.OrphanAge;
        var removed = 0;
        var candidates = new List<string>();
        await foreach (var (key, lastWrite, unfinished) in storage.ListAsync(ct))
        {
            if (lastWrite > cutoff)
            {
                continue;
            }
            if (unfinished)
            {
                await storage.DeleteAsync(key, ct);
                removed++;
                continue;
            }
            candidates.Add(key);
            if (candidates.Count == Batch)
            {
                removed += await RemoveUnreferencedAsync(candidates, ct);
                candidates.Clear();
            }
        }
        removed += await RemoveUnreferencedAsync(candidates, ct);
        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} orphaned blobs", removed);
        }
        return removed;
    }

    private async Task<int> RemoveUnreferencedAsync(List<string> keys, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return 0;
        }
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var referenced = (await db.DocumentVersions.Where(v => keys.Contains(v.StorageKey)).Select(v => v.StorageKey).ToListAsync(ct)).ToHashSet();
        referenced.UnionWith(await db.RequestAttachments.Where(a => keys.Contains(a.StorageKey!)).Select(a => a.StorageKey!).ToListAsync(ct));
        // The portal's logo and favicon.
        if (await db.StoredBrands.AsNoTracking().SingleOrDefaultAsync(ct) is { } brand)
        {
            referenced.UnionWith(new[] { brand.Logo?.StorageKey, brand.Favicon?.StorageKey }.OfType<string>());
        }
        var removed = 0;
        foreach (var key in keys.Where(k => !referenced.Contains(k)))
        {
            await storage.DeleteAsync(key, ct);
            removed++;
        }
        return removed;
    }
}

/// Emails the account about overdue document requests, at most once per reminder interval.
public sealed class DocumentReminders(IServiceScopeFactory scopes, IOptions<DocumentOptions> options, TimeProvider clock)
{
    public async Task<int> RemindAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var notifier = scope.ServiceProvider.GetRequiredService<DocumentNotifier>();
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var remindedBefore = now - options.Value.ReminderInterval;
        var due = await db.DocumentRequests
            .Where(r => r.FulfilledAt == null && r.DueOn < today && (r.LastRemindedAt == null || r.LastRemindedAt < remindedBefore))
            .OrderBy(r => r.DueOn).Take(100)
            .ToListAsync(ct);
        foreach (var request in due)
        {
            var folder = await db.DocumentFolders.SingleAsync(f => f.Id == request.FolderId, ct);
            await notifier.OverdueAsync(request, folder, ct);
            request.Reminded(now);
        }
        await db.SaveChangesAsync(ct);
        return due.Count;
    }
}

public sealed class DocumentMaintenanceWorker(BlobSweeper sweeper, DocumentReminders reminders, IOptions<StorageOptions> storage, IOptions<DocumentOptions> documents,
    ILogger<DocumentMaintenanceWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromTicks(Math.Min(storage.Value.SweepInterval.Ticks, documents.Value.ReminderInterval.Ticks));
        using var timer = new PeriodicTimer(interval);
        // The first sweep waits one interval: walking every stored file belongs to quiet time, not start-up.
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await sweeper.SweepAsync(stoppingToken);
                await reminders.RemindAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Document maintenance failed; trying again in {Interval}", interval);
            }
        }
    }
}
