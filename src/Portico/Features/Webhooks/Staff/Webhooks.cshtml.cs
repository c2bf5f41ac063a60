using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Portico.Features.Audit;
using Portico.Infrastructure.Outbox;

namespace Portico.Features.Webhooks.Staff;

public sealed record DeliveryRow(Guid Id, string Url, string Event, DateTime CreatedAt, int Attempts, int? LastStatusCode, string? LastError, DateTime? DeliveredAt);

[Authorize(Policy = Policies.StaffAdmin)]
public sealed class WebhooksModel(PorticoDb db, IDataProtectionProvider protection, AuditLog audit, TimeProvider clock, ReceiverGuard guard) : PageModel
{
    public List<WebhookEndpoint> Endpoints { get; private set; } = [];
    public List<DeliveryRow> Deliveries { get; private set; } = [];
    public string? NewSecret { get; private set; }
    public string? Error { get; private set; }
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? url, string? description, List<string> events, CancellationToken ct)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || url!.Length > 500)
        {
            return await FailAsync("Give the receiver's full address, such as https://example.com/portico-events.", ct);
        }
        var unknown = events.Except(WebhookEvents.All).ToList();
        if (events.Count == 0 || unknown.Count > 0)
        {
            return await FailAsync("Choose at least one event.", ct);
        }
        if ((description?.Length ?? 0) > 200)
        {
            return await FailAsync("The description can be at most 200 characters.", ct);
        }
        // The name is resolved here for a clear answer now; every delivery checks again before it connects.
        if (await guard.RefusalAsync(uri.IdnHost, ct) is { } refusal)
        {
            return await FailAsync($"Webhooks cannot go to this address: {refusal}. Give a receiver on the public internet; "
                + "an internal receiver needs its network allowed in the portal's settings (Webhooks:AllowedInternalNetworks).", ct);
        }
        var secret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var endpoint = new WebhookEndpoint(uri.ToString(), description?.Trim() ?? "", events,
            protection.CreateProtector(SendWebhook.ProtectorPurpose).Protect(secret), clock.GetUtcNow().UtcDateTime);
        db.WebhookEndpoints.Add(endpoint);
        audit.Record(AuditActions.WebhookEndpointCreated, null, "WebhookEndpoint", endpoint.Id.ToString(), new { url = endpoint.Url, events });
        await db.SaveChangesAsync(ct);
        NewSecret = secret;
        Notice = "Endpoint added. Copy its signing secret now; it is not shown again.";
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeactivateAsync(Guid endpointId, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == endpointId, ct);
        if (endpoint is null)
        {
            return NotFound();
        }
        endpoint.Deactivate();
        audit.Record(AuditActions.WebhookEndpointDeactivated, null, "WebhookEndpoint", endpoint.Id.ToString(), new { url = endpoint.Url });
        await db.SaveChangesAsync(ct);
        return Redirect("/staff/webhooks?done=Endpoint+deactivated.");
    }

    /// Sends a delivery again, for example after the receiver was fixed.
    public async Task<IActionResult> OnPostRedeliverAsync(Guid deliveryId, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (delivery is null)
        {
            return NotFound();
        }
        delivery.Redeliver();
        db.OutboxMessages.Add(OutboxMessage.Create(WebhookPublisher.MessageType, new WebhookMessage(delivery.Id), clock.GetUtcNow().UtcDateTime));
        audit.Record(AuditActions.WebhookRedelivered, null, "WebhookDelivery", delivery.Id.ToString(), new { delivery.Event });
        await db.SaveChangesAsync(ct);
        return Redirect("/staff/webhooks?done=Queued+for+delivery.");
    }

    private async Task<IActionResult> FailAsync(string error, CancellationToken ct)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Endpoints = await db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.CreatedAt).ToListAsync(ct);
        Deliveries = await db.WebhookDeliveries.AsNoTracking().OrderByDescending(d => d.CreatedAt).Take(100)
            .Join(db.WebhookEndpoints, d => d.EndpointId, e => e.Id, (d, e) => new DeliveryRow(d.Id, e.Url, d.Event, d.CreatedAt, d.Attempts, d.LastStatusCode, d.LastError, d.DeliveredAt))
            .ToListAsync(ct);
    }
}
