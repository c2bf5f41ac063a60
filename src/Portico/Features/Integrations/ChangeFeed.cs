using Portico.Features.Webhooks;

namespace Portico.Features.Integrations;

public sealed class ChangeFeedOptions
{
    public const string Section = "ChangeFeeds";

    /// How often each change feed is read when it answered; also how often the poller looks for feeds that are due.
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// The wait after a failed poll; it doubles with every failure in a row up to MaxRetryDelay.
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled { get; set; } = true;
}

/// Reads the change feed of a source that cannot push: GET &lt;url&gt;?cursor=… answers a page of records and the next cursor.
/// Each page is applied through the same checks as a pushed batch, and the cursor moves in the same transaction,
/// so a crash or failure part-way re-reads the page instead of skipping it.
public sealed class ChangeFeed(PorticoDb db, IntegrationSync sync, IHttpClientFactory http, IOptions<ChangeFeedOptions> options, TimeProvider clock,
    ILogger<ChangeFeed> logger)
{
    public const string Client = "change-feeds";
    public const int MaxCursorLength = 1000;
    /// Pages read one after another in one poll while the feed says there are more.
    public const int MaxPagesPerPoll = 100;
    public const long MaxPageBytes = 32 * 1024 * 1024;

    private static readonly string[] Members = ["accounts", "invoices", "orders", "nextCursor", "hasMore"];

    /// Reads the integration's feed until it has no more (or MaxPagesPerPoll pages). Answers the failure, or null.
    public async Task<string?> PollAsync(Guid integrationId, CancellationToken ct)
    {
        var settings = options.Value;
        for (var page = 0; page < MaxPagesPerPoll; page++)
        {
            var integration = await db.Integrations.SingleAsync(i => i.Id == integrationId, ct);
            if (integration.ChangeFeedUrl is not { } url)
            {
                return null;
            }
            var cursor = integration.ChangeFeedCursor;
            var (changes, failure) = await ReadAsync(url, cursor, ct);
            if (changes is null)
            {
                await FailAsync(integrationId, failure!, ct);
                return failure;
            }
            using (changes.Document)
            {
                try
                {
                    failure = await ApplyAsync(integration, changes, ct);
                }
                catch (DbUpdateException e)
                {
                    failure = $"Applying a page of the change feed failed ({e.GetBaseException().Message}); nothing of it was applied and it is read again.";
                }
            }
            if (failure is not null)
            {
                await FailAsync(integrationId, failure, ct);
                return failure;
            }
            if (!changes.HasMore || changes.NextCursor == cursor)
            {
                break;
            }
        }
        var done = await db.Integrations.SingleAsync(i => i.Id == integrationId, ct);
        done.PollCompleted(clock.GetUtcNow().UtcDateTime + settings.PollInterval);
        await db.SaveChangesAsync(ct);
        return null;
    }

    private sealed record Changes(JsonDocument Document, string NextCursor, bool HasMore);

    private async Task<(Changes? Changes, string? Failure)> ReadAsync(string url, string? cursor, CancellationToken ct)
    {
        var address = cursor is null ? url : url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "cursor=" + Uri.EscapeDataString(cursor);
        HttpResponseMessage response;
        try
        {
            using var client = http.CreateClient(Client);
            response = await client.GetAsync(new Uri(address), ct);
        }
        catch (HttpRequestException e) when (e.InnerException is ReceiverRefusedException refused)
        {
            return (null, $"The change feed's address is refused: {refused.Message}; nothing was read.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (null, $"The change feed could not be read: {e.Message}");
        }
        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.Gone)
            {
                return (null, $"The change feed no longer knows cursor \"{cursor}\" (410 Gone); nothing was applied. "
                    + "Read it again from the beginning under Integrations, or have the source send a snapshot.");
            }
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"The change feed answered {(int)response.StatusCode} {response.ReasonPhrase}; nothing was applied.");
            }
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            }
            catch (JsonException e)
            {
                return (null, $"The change feed sent a page that is not JSON ({e.Message}); nothing was applied.");
            }
            var root = document.RootElement;
            var problem = root.ValueKind != JsonValueKind.Object ? "a page must be a JSON object"
                : root.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !Members.Contains(n)) is { } unknown ? $"unknown member \"{unknown}\""
                : !root.TryGetProperty("nextCursor", out var next) || next.ValueKind != JsonValueKind.String || next.GetString() is not { Length: > 0 and <= MaxCursorLength }
                    ? $"nextCursor must be text of 1 to {MaxCursorLength} characters"
                : root.TryGetProperty("hasMore", out var more) && more.ValueKind is not (JsonValueKind.True or JsonValueKind.False) ? "hasMore must be true or false"
                : SyncedObjectTypes.All.FirstOrDefault(t => root.TryGetProperty(t, out var list) && list.ValueKind != JsonValueKind.Array) is { } notList ? $"{notList} must be an array"
                : null;
            if (problem is not null)
            {
                document.Dispose();
                return (null, $"The change feed sent a page Portico cannot read: {problem}; nothing was applied.");
            }
            return (new Changes(document, root.GetProperty("nextCursor").GetString()!, root.TryGetProperty("hasMore", out var hasMore) && hasMore.GetBoolean()), null);
        }
    }

    /// Accounts first, so invoices and orders of a new account find it; then the cursor, all in one transaction.
    private async Task<string?> ApplyAsync(Integration integration, Changes changes, CancellationToken ct)
    {
        var root = changes.Document.RootElement;
        var sent = SyncedObjectTypes.All.Where(t => root.TryGetProperty(t, out var list) && list.GetArrayLength() > 0).ToList();
        foreach (var type in sent)
        {
            if (await sync.RefusalAsync(integration.Id, type, ct) is { } refusal)
            {
                return $"The change feed sent {type}: {refusal} Nothing of the page was applied.";
            }
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var type in sent)
        {
            using var batch = JsonDocument.Parse($"{{\"records\":{root.GetProperty(type).GetRawText()}}}");
            var failure = type switch
            {
                SyncedObjectTypes.Accounts => await RunAsync<AccountRecord>(batch, records => sync.AccountsAsync(integration.Id, false, records, ct)),
                SyncedObjectTypes.Invoices => await RunAsync<InvoiceRecord>(batch, records => sync.InvoicesAsync(integration.Id, false, records, ct)),
                _ => await RunAsync<OrderRecord>(batch, records => sync.OrdersAsync(integration.Id, false, records, ct)),
            };
            if (failure is not null)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return $"The change feed sent {type} Portico cannot read: {failure} Nothing of the page was applied.";
            }
        }
        integration.ChangesApplied(changes.NextCursor, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Applied a page of {Integration}'s change feed; the cursor is now {Cursor}", integration.Name, changes.NextCursor);
        return null;
    }

    private static async Task<string?> RunAsync<T>(JsonDocument batch, Func<List<(int Index, T? Record, string? Error)>, Task<BatchResult>> run)
    {
        var (records, errors) = IntegrationRecordValidation.Parse<T>(batch);
        if (records is null)
        {
            return string.Join(" ", errors!.Values.SelectMany(v => v));
        }
        await run(records);
        return null;
    }

    private async Task FailAsync(Guid integrationId, string failure, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var integration = await db.Integrations.SingleAsync(i => i.Id == integrationId, ct);
        integration.PollFailed(failure, clock.GetUtcNow().UtcDateTime, options.Value.FirstRetryDelay, options.Value.MaxRetryDelay);
        await db.SaveChangesAsync(ct);
        logger.LogWarning("The change feed of {Integration} failed: {Failure}", integration.Name, failure);
    }
}

/// Polls the change feeds that are due, one integration at a time, each in its own scope; and ends the wait of
/// changes made in the portal that their source did not acknowledge in time.
public sealed class ChangeFeedPoller(IServiceScopeFactory scopes, IOptions<ChangeFeedOptions> options, TimeProvider clock, ILogger<ChangeFeedPoller> logger)
    : BackgroundService
{
    public async Task PollDueAsync(CancellationToken ct)
    {
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
            var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
            var now = clock.GetUtcNow().UtcDateTime;
            due = await db.Integrations.Where(i => i.ChangeFeedUrl != null && (i.NextPollAt == null || i.NextPollAt <= now)).Select(i => i.Id).ToListAsync(ct);
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
            await scope.ServiceProvider.GetRequiredService<WriteBacks>().TimeOutAsync(ct);
        }
        foreach (var id in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
            await scope.ServiceProvider.GetRequiredService<ChangeFeed>().PollAsync(id, ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.PollInterval < options.Value.FirstRetryDelay ? options.Value.PollInterval : options.Value.FirstRetryDelay, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PollDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Polling change feeds failed; trying again at the next tick");
            }
        }
    }
}
