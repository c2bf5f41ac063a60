using Microsoft.AspNetCore.DataProtection;
using Portico.Infrastructure.Outbox;

namespace Portico.Features.Webhooks;

public sealed record WebhookMessage(Guid DeliveryId);

/// Queues an event for every active endpoint that subscribed to it, in the current unit of work,
/// so a webhook goes out exactly when the change it describes is saved.
public sealed class WebhookPublisher(PorticoDb db, TimeProvider clock)
{
    public const string MessageType = "webhook";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task PublishAsync(string @event, object data, CancellationToken ct)
    {
        var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => e.IsActive && e.Events.Contains(@event)).Select(e => e.Id).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var endpoint in endpoints)
        {
            var id = Guid.NewGuid();
            var payload = JsonSerializer.Serialize(new { id, type = @event, occurredAt = now, data }, Json);
            var delivery = new WebhookDelivery(id, endpoint, @event, payload, now);
            db.WebhookDeliveries.Add(delivery);
            db.OutboxMessages.Add(OutboxMessage.Create(MessageType, new WebhookMessage(delivery.Id), now));
        }
    }
}

/// Posts one delivery, signed: Portico-Signature is "t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">",
/// so receivers can check both origin and age. A non-2xx answer is retried by the outbox with backoff.
public sealed class SendWebhook(IServiceScopeFactory scopes, IHttpClientFactory http, IDataProtectionProvider protection, TimeProvider clock) : IOutboxHandler
{
    public const string ProtectorPurpose = "Portico.Webhooks.Secret";

    public string Type => WebhookPublisher.MessageType;

    public async Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var id = message.Read<WebhookMessage>().DeliveryId;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (delivery is null || delivery.DeliveredAt is not null)
        {
            return;
        }
        var endpoint = await db.WebhookEndpoints.AsNoTracking().SingleAsync(e => e.Id == delivery.EndpointId, cancellationToken);
        if (!endpoint.IsActive)
        {
            delivery.Attempted(null, "The endpoint was deactivated.", clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        var secret = protection.CreateProtector(ProtectorPurpose).Unprotect(endpoint.ProtectedSecret);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Portico-Event", delivery.Event);
        request.Headers.Add("Portico-Delivery", delivery.Id.ToString());
        request.Headers.Add("Portico-Signature", $"t={timestamp},v1={Sign(secret, timestamp, delivery.Payload)}");
        int? status = null;
        string? error;
        try
        {
            using var response = await http.CreateClient("webhooks").SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null
                : status is >= 300 and < 400 ? $"The receiver answered {status}; redirects are not followed."
                : $"The receiver answered {status}.";
        }
        catch (HttpRequestException e) when (e.InnerException is ReceiverRefusedException refused)
        {
            error = "refused: " + refused.Message;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error = e.Message;
        }
        delivery.Attempted(status, error, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        if (error is not null)
        {
            throw new InvalidOperationException($"Webhook delivery {delivery.Id} failed: {error}");
        }
    }

    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
