using Portico.Features.Activity;
using Portico.Features.Notifications;
using Portico.Infrastructure.Email;

namespace Portico.Features.Requests;

/// Email and activity feed entries for request events. Everything is added to the current
/// unit of work, so it is delivered only if the change itself is saved.
public sealed class RequestNotifier(PorticoDb db, EmailOutbox email, Recipients recipients, Webhooks.WebhookPublisher webhooks,
    IOptions<BrandingOptions> branding, TimeProvider clock)
{
    private static object Summary(Request r) => new
    {
        r.Id, r.AccountId, r.Number, r.Subject, Status = r.Status.ToString(), Priority = r.Priority.ToString(), r.SubmitterName, r.AssigneeName, r.UpdatedAt,
    };

    public static string CustomerPath(Request r) => $"/a/{r.AccountId}/requests/{r.Id}";

    public static string StaffPath(Request r) => $"/staff/requests/{r.Id}";

    public async Task SubmittedAsync(Request request, string accountName, CancellationToken ct)
    {
        Feed(request, request.SubmitterName, $"submitted request #{request.Number} \"{request.Subject}\"");
        await webhooks.PublishAsync(Webhooks.WebhookEvents.RequestCreated, new { request = Summary(request) }, ct);
        foreach (var r in await CustomersAsync([request.SubmitterId], p => p.RequestUpdates, ct))
        {
            email.Queue(r.Email, $"[#{request.Number}] We received your request: {request.Subject}",
                $"Hello {r.Name},\n\nWe received your request \"{request.Subject}\" for {accountName}. We will reply by {request.FirstResponseDueAt:yyyy-MM-dd HH:mm} UTC at the latest.\n\nFollow it here: {branding.Value.Link(CustomerPath(request))}\n");
        }
        foreach (var r in await recipients.StaffWhoWantAsync(request.AssigneeId, p => p.NewRequests, ct))
        {
            email.Queue(r.Email, $"[#{request.Number}] New {request.Priority} request from {accountName}: {request.Subject}",
                $"{request.SubmitterName} at {accountName} submitted \"{request.Subject}\" ({request.Priority}).\nFirst response due {request.FirstResponseDueAt:yyyy-MM-dd HH:mm} UTC.\n\nOpen it: {branding.Value.Link(StaffPath(request))}\n");
        }
    }

    public async Task StaffRepliedAsync(Request request, RequestMessage message, CancellationToken ct)
    {
        Feed(request, message.AuthorName, $"replied on request #{request.Number} \"{request.Subject}\"");
        await webhooks.PublishAsync(Webhooks.WebhookEvents.RequestReplied, new { request = Summary(request), reply = new { message.Id, message.AuthorName, fromStaff = true, message.Body } }, ct);
        foreach (var r in await CustomersAsync([request.SubmitterId], p => p.RequestUpdates, ct))
        {
            email.Queue(r.Email, $"[#{request.Number}] New reply: {request.Subject}",
                $"Hello {r.Name},\n\n{message.AuthorName} replied to your request \"{request.Subject}\":\n\n{message.Body}\n\nReply or follow it here: {branding.Value.Link(CustomerPath(request))}\n");
        }
    }

    public async Task StatusChangedAsync(Request request, RequestStatus from, string actorName, CancellationToken ct)
    {
        Feed(request, actorName, $"moved request #{request.Number} from {from.Human()} to {request.Status.Human()}");
        await webhooks.PublishAsync(Webhooks.WebhookEvents.RequestStatusChanged, new { request = Summary(request), from = from.ToString(), to = request.Status.ToString() }, ct);
        foreach (var r in await CustomersAsync([request.SubmitterId], p => p.RequestUpdates, ct))
        {
            var extra = request.Status switch
            {
                RequestStatus.WaitingOnCustomer => "We need information from you to go on.",
                // A link to the form, not a rating by link: opening a link must not change anything.
                RequestStatus.Resolved => "If this is not resolved for you, you can reopen it from the request page.\n\n"
                    + $"How did we do? Rate it from 1 to 5: {branding.Value.Link(CustomerPath(request) + "#rating")}",
                _ => "",
            };
            email.Queue(r.Email, $"[#{request.Number}] {request.Status.Human()}: {request.Subject}",
                $"Hello {r.Name},\n\nYour request \"{request.Subject}\" is now {request.Status.Human()} (was {from.Human()}). {extra}\n\n{branding.Value.Link(CustomerPath(request))}\n");
        }
    }

    public async Task CustomerRepliedAsync(Request request, RequestMessage message, CancellationToken ct)
    {
        Feed(request, message.AuthorName, $"replied on request #{request.Number} \"{request.Subject}\"");
        await webhooks.PublishAsync(Webhooks.WebhookEvents.RequestReplied, new { request = Summary(request), reply = new { message.Id, message.AuthorName, fromStaff = false, message.Body } }, ct);
        foreach (var r in await recipients.StaffWhoWantAsync(request.AssigneeId, p => p.CustomerReplies, ct))
        {
            email.Queue(r.Email, $"[#{request.Number}] Customer reply: {request.Subject}",
                $"{message.AuthorName} replied on \"{request.Subject}\":\n\n{message.Body}\n\n{branding.Value.Link(StaffPath(request))}\n");
        }
    }

    private void Feed(Request request, string actorName, string text) =>
        db.Set<ActivityEntry>().Add(new ActivityEntry(request.AccountId, clock.GetUtcNow().UtcDateTime, actorName, text, CustomerPath(request), request.Id));

    private Task<List<Recipient>> CustomersAsync(Guid[] ids, Func<NotificationPreferences, bool> wants, CancellationToken ct) =>
        recipients.WhoWantAsync(q => q.Where(u => ids.Contains(u.Id)), wants, ct);
}
