using Microsoft.AspNetCore.DataProtection;
using Portico.Infrastructure.Outbox;

namespace Portico.Features.Webhooks;

/// The signing secret of a new endpoint, shown once: only its protected form is stored.
public sealed record NewWebhookEndpoint(WebhookEndpoint Endpoint, string Secret);

/// Staff Admins add receivers of portal events, switch them off, and send a delivery again.
public sealed class ManageWebhookEndpoints(PorticoDb db, IDataProtectionProvider protection, AuditLog audit, TimeProvider clock, ReceiverGuard guard,
    IStringLocalizer<ManageWebhookEndpoints> text)
{
    public async Task<Outcome<NewWebhookEndpoint>> CreateAsync(string? url, string? description, IReadOnlyList<string> events, CancellationToken ct)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || url!.Length > 500)
        {
            return Outcome.Refused(text["Give the receiver's full address, such as https://example.com/portico-events."]);
        }
        var unknown = events.Except(WebhookEvents.All).ToList();
        if (events.Count == 0 || unknown.Count > 0)
        {
            return Outcome.Refused(text["Choose at least one event."]);
        }
        if ((description?.Length ?? 0) > 200)
        {
            return Outcome.Refused(text["The description can be at most {0} characters.", 200]);
        }
        // The name is resolved here for a clear answer now; every delivery checks again before it connects.
        if (await guard.RefusalAsync(uri.IdnHost, ct) is { } refusal)
        {
            // The reason names addresses and networks; it stays as the guard words it, as in the delivery log.
            return Outcome.Refused(text["Webhooks cannot go to this address: {0}. Give a receiver on the public internet; "
                + "an internal receiver needs its network allowed in the portal's settings (Webhooks:AllowedInternalNetworks).", refusal]);
        }
        var secret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var endpoint = new WebhookEndpoint(uri.ToString(), description?.Trim() ?? "", events.ToList(),
            protection.CreateProtector(SendWebhook.ProtectorPurpose).Protect(secret), clock.GetUtcNow().UtcDateTime);
        db.WebhookEndpoints.Add(endpoint);
        audit.Record(AuditActions.WebhookEndpointCreated, null, "WebhookEndpoint", endpoint.Id.ToString(), new { url = endpoint.Url, events });
        await db.SaveChangesAsync(ct);
        return new NewWebhookEndpoint(endpoint, secret);
    }

    public async Task<Outcome> DeactivateAsync(Guid endpointId, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == endpointId, ct);
        if (endpoint is null)
        {
            return Outcome.NotFound;
        }
        endpoint.Deactivate();
        audit.Record(AuditActions.WebhookEndpointDeactivated, null, "WebhookEndpoint", endpoint.Id.ToString(), new { url = endpoint.Url });
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    /// Sends a delivery again, for example after the receiver was fixed.
    public async Task<Outcome> RedeliverAsync(Guid deliveryId, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (delivery is null)
        {
            return Outcome.NotFound;
        }
        delivery.Redeliver();
        db.OutboxMessages.Add(OutboxMessage.Create(WebhookPublisher.MessageType, new WebhookMessage(delivery.Id), clock.GetUtcNow().UtcDateTime));
        audit.Record(AuditActions.WebhookRedelivered, null, "WebhookDelivery", delivery.Id.ToString(), new { delivery.Event });
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }
}
