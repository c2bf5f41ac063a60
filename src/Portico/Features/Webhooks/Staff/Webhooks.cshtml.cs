using Microsoft.AspNetCore.DataProtection;
using Portico.Infrastructure.Outbox;

namespace Portico.Features.Webhooks.Staff;

public sealed record DeliveryRow(Guid Id, string Url, string Event, DateTime CreatedAt, int Attempts, int? LastStatusCode, string? LastError, DateTime? DeliveredAt);

[Authorize(Policy = Policies.StaffAdmin)]
public sealed class WebhooksModel(PorticoDb db, ManageWebhookEndpoints endpoints, IStringLocalizer<WebhooksModel> text) : PageModel
{
    public List<WebhookEndpoint> Endpoints { get; private set; } = [];
    public List<DeliveryRow> Deliveries { get; private set; } = [];
    public string? NewSecret { get; private set; }
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        // The address names what was done, never the words, so the notice is in the reader's language and nobody else's.
        Notice = done switch
        {
            "deactivated" => text["Endpoint deactivated."].Value,
            "queued" => text["Queued for delivery."].Value,
            _ => null,
        };
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? url, string? description, List<string> events, CancellationToken ct)
    {
        var outcome = await endpoints.CreateAsync(url, description, events, ct);
        if (outcome.Value is not { } created)
        {
            return await outcome.ToPageResultAsync(this, _ => Page(), ReloadAsync);
        }
        NewSecret = created.Secret;
        Notice = text["Endpoint added. Copy its signing secret now; it is not shown again."].Value;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDeactivateAsync(Guid endpointId, CancellationToken ct) =>
        (await endpoints.DeactivateAsync(endpointId, ct)).Succeeded ? Redirect("/staff/webhooks?done=deactivated") : NotFound();

    public async Task<IActionResult> OnPostRedeliverAsync(Guid deliveryId, CancellationToken ct) =>
        (await endpoints.RedeliverAsync(deliveryId, ct)).Succeeded ? Redirect("/staff/webhooks?done=queued") : NotFound();

    private async Task<bool> ReloadAsync()
    {
        await LoadAsync(HttpContext.RequestAborted);
        return true;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Endpoints = await db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.CreatedAt).ToListAsync(ct);
        Deliveries = await db.WebhookDeliveries.AsNoTracking().OrderByDescending(d => d.CreatedAt).Take(100)
            .Join(db.WebhookEndpoints, d => d.EndpointId, e => e.Id, (d, e) => new DeliveryRow(d.Id, e.Url, d.Event, d.CreatedAt, d.Attempts, d.LastStatusCode, d.LastError, d.DeliveredAt))
            .ToListAsync(ct);
    }
}
