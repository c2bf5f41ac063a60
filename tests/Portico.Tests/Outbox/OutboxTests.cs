using Portico.Infrastructure.Outbox;

namespace Portico.Tests.Outbox;

/// Records deliveries and fails on demand, standing in for a flaky receiver.
public sealed class RecordingHandler : IOutboxHandler
{
    public ConcurrentBag<Guid> Delivered { get; } = [];
    public ConcurrentDictionary<Guid, int> FailuresLeft { get; } = new();

    public string Type => "test.record";

    public async Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        await Task.Delay(5, cancellationToken);
        if (FailuresLeft.TryGetValue(message.Id, out var left) && left > 0)
        {
            FailuresLeft[message.Id] = left - 1;
            throw new HttpRequestException("receiver unavailable");
        }
        Delivered.Add(message.Id);
    }
}

/// The worker is off here: tests drive processors themselves, as one or two app nodes would.
public sealed class OutboxApp : PorticoApp
{
    public RecordingHandler Handler { get; } = new();

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Outbox:Enabled"] = "false",
        ["Outbox:FirstRetryDelay"] = "00:00:00.050",
        ["Outbox:MaxRetryDelay"] = "00:00:01",
        ["Outbox:MaxAttempts"] = "3",
        ["Outbox:Lease"] = "00:00:02",
    };

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<IOutboxHandler>(Handler);
}

public sealed class OutboxTests : OwnStartedAppTests<OutboxApp>
{
    private async Task<List<Guid>> QueueAsync(int count)
    {
        var ids = new List<Guid>();
        await App.WithDbAsync(async db =>
        {
            for (var i = 0; i < count; i++)
            {
                var message = OutboxMessage.Create("test.record", new { i }, DateTime.UtcNow);
                ids.Add(message.Id);
                db.OutboxMessages.Add(message);
            }
            await db.SaveChangesAsync();
        });
        return ids;
    }

    private OutboxProcessor NewNode() => ActivatorUtilities.CreateInstance<OutboxProcessor>(App.Services);

    private async Task DrainAsync(OutboxProcessor node, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            await node.ProcessDueAsync(default);
            var open = await App.WithDbAsync((db, _) => db.OutboxMessages.CountAsync(m => m.DeliveredAt == null && m.FailedAt == null));
            if (open == 0)
            {
                return;
            }
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_message_is_saved_only_with_the_change_that_caused_it()
    {
        await using var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var message = OutboxMessage.Create("test.record", new { }, DateTime.UtcNow);
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Accounts.Add(new Features.Accounts.Account("Rolled back " + PorticoApp.Unique(), DateTime.UtcNow));
            db.OutboxMessages.Add(message);
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        Assert.False(await App.WithDbAsync((d, _) => d.OutboxMessages.AnyAsync(m => m.Id == message.Id)));
    }

    [Fact]
    public async Task A_failing_delivery_is_retried_with_backoff_until_it_succeeds()
    {
        var id = (await QueueAsync(1))[0];
        App.Handler.FailuresLeft[id] = 2;

        await DrainAsync(NewNode(), TimeSpan.FromSeconds(10));

        Assert.Contains(id, App.Handler.Delivered);
        var stored = await App.WithDbAsync((db, _) => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id));
        Assert.Equal(3, stored.Attempts);
        Assert.NotNull(stored.DeliveredAt);
        Assert.Null(stored.LastError);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_parked_as_failed_with_its_error()
    {
        var id = (await QueueAsync(1))[0];
        App.Handler.FailuresLeft[id] = 100;

        await DrainAsync(NewNode(), TimeSpan.FromSeconds(10));

        var stored = await App.WithDbAsync((db, _) => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id));
        Assert.NotNull(stored.FailedAt);
        Assert.Null(stored.DeliveredAt);
        Assert.Equal(3, stored.Attempts);
        Assert.Contains("receiver unavailable", stored.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_claim_left_by_a_crashed_node_is_delivered_by_another_after_the_lease()
    {
        var id = (await QueueAsync(1))[0];
        // A node claimed the message and died before delivering it.
        await App.WithDbAsync(db => db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
            // Long enough that a busy machine still checks "not yet" inside the lease.
            .SetProperty(m => m.LockedUntil, DateTime.UtcNow.AddSeconds(3))
            .SetProperty(m => m.LockedBy, "crashed-node")
            .SetProperty(m => m.Attempts, 1)));
        var survivor = NewNode();

        Assert.Equal(0, await survivor.ProcessDueAsync(default));
        await Task.Delay(TimeSpan.FromSeconds(3.2));
        await DrainAsync(survivor, TimeSpan.FromSeconds(5));

        Assert.Contains(id, App.Handler.Delivered);
    }

    [Fact]
    public async Task Two_nodes_working_the_same_outbox_deliver_each_message_once()
    {
        var ids = await QueueAsync(60);
        var first = NewNode();
        var second = NewNode();

        await Task.WhenAll(Task.Run(() => DrainAsync(first, TimeSpan.FromSeconds(20))), Task.Run(() => DrainAsync(second, TimeSpan.FromSeconds(20))));

        var delivered = App.Handler.Delivered.Where(ids.Contains).ToList();
        Assert.Equal(60, delivered.Count);
        Assert.Equal(60, delivered.Distinct().Count());
    }

    [Fact]
    public void Backoff_grows_exponentially_and_is_capped()
    {
        var options = new OutboxOptions { FirstRetryDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromMinutes(5) };

        var first = OutboxProcessor.RetryDelay(1, options);
        var third = OutboxProcessor.RetryDelay(3, options);
        var late = OutboxProcessor.RetryDelay(30, options);

        Assert.InRange(first.TotalSeconds, 10, 12);
        Assert.InRange(third.TotalSeconds, 40, 48);
        Assert.InRange(late.TotalMinutes, 5, 6);
    }
}
