using System.Threading.Channels;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace Portico.Features.Identity;

/// Each node keeps the sessions it read for <see cref="DatabaseTicketStore.CacheFor"/>. On PostgreSQL an ended
/// session is announced with NOTIFY and every node, listening, drops its copy, so the other nodes refuse it within
/// milliseconds instead of within that time. While a node cannot listen the cache's lifetime is the bound again.
public sealed class SessionEndings(IOptions<DatabaseOptions> database, IHostEnvironment environment, IMemoryCache cache,
    ILogger<SessionEndings> logger) : BackgroundService
{
    public const string NotifyChannel = "portico_session_ended";

    /// Ids per NOTIFY: 64 characters each stays far below PostgreSQL's 8000-byte payload limit.
    private const int PerNotice = 100;

    private readonly Channel<string> _ended = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    private bool InDatabase => database.Value.Provider == DatabaseProvider.Postgres;

    /// Tells the other nodes, after the ending was committed. Returns at once; the notice follows within milliseconds.
    public void Announce(IEnumerable<string> sessionIds)
    {
        if (!InDatabase)
        {
            return;
        }
        foreach (var id in sessionIds)
        {
            _ended.Writer.TryWrite(id);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        InDatabase ? Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken)) : Task.CompletedTask;

    private string ConnectionString(bool pooled) => new NpgsqlConnectionStringBuilder(database.Value.EffectiveConnectionString(environment.ContentRootPath))
    {
        // A pooled connection is reset when returned, which would end the LISTEN; keepalives find a dead one.
        Pooling = pooled,
        KeepAlive = pooled ? 0 : 15,
    }.ConnectionString;

    private async Task ListenAsync(CancellationToken ct)
    {
        var missed = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString(pooled: false));
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) =>
                {
                    foreach (var id in e.Payload.Split(','))
                    {
                        cache.Remove(DatabaseTicketStore.CacheKey(id));
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {NotifyChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }
                if (missed && cache is MemoryCache memory)
                {
                    // Endings announced while this node was not listening went unheard: forget every cached session.
                    memory.Compact(1.0);
                }
                missed = false;
                while (!ct.IsCancellationRequested)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                missed = true;
                logger.LogWarning(e, "Not listening for sessions ended on other nodes; they are refused here within {Seconds} s. Trying again",
                    DatabaseTicketStore.CacheFor.TotalSeconds);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task SendAsync(CancellationToken ct)
    {
        var batch = new List<string>();
        try
        {
            while (await _ended.Reader.WaitToReadAsync(ct))
            {
                while (batch.Count < PerNotice && _ended.Reader.TryRead(out var id))
                {
                    batch.Add(id);
                }
                try
                {
                    await using var connection = new NpgsqlConnection(ConnectionString(pooled: true));
                    await connection.OpenAsync(ct);
                    await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @ids)", connection);
                    notify.Parameters.AddWithValue("channel", NotifyChannel);
                    notify.Parameters.AddWithValue("ids", string.Join(',', batch));
                    await notify.ExecuteNonQueryAsync(ct);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    logger.LogWarning(e, "Could not tell other nodes that {Count} session(s) ended; they refuse them within {Seconds} s",
                        batch.Count, DatabaseTicketStore.CacheFor.TotalSeconds);
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
