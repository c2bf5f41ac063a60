using Portico.Features.Activity;
using Portico.Features.Notifications;

namespace Portico.Features.Requests;

/// Email and activity feed entries for request events. Everything is added to the current
/// unit of work, so it is delivered only if the change itself is saved. Each email is composed in its recipient's
/// language (RequestNotifier.de.resx); times stay in UTC, written the way that language writes them.
public sealed class RequestNotifier(PorticoDb db, EmailOutbox email, Recipients recipients, Webhooks.WebhookPublisher webhooks,
    IOptions<BrandingOptions> branding, TimeProvider clock, IStringLocalizer<RequestNotifier> text)
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
            email.Queue(r.Email, r.Language, () => (text["[#{0}] We received your request: {1}", request.Number, request.Subject], [
                text["Hello {0},", r.Name],
                text["We received your request \"{0}\" for {1}. We will reply by {2:g} UTC at the latest.", request.Subject, accountName, request.FirstResponseDueAt],
                text["Follow it here: {0}", branding.Value.Link(CustomerPath(request))]]));
        }
        foreach (var r in await recipients.StaffWhoWantAsync(request.AssigneeId, p => p.NewRequests, ct))
        {
            email.Queue(r.Email, r.Language, () => (text["[#{0}] New {1} request from {2}: {3}", request.Number, request.Priority.Human(), accountName, request.Subject], [
                text["{0} at {1} submitted \"{2}\" ({3}).", request.SubmitterName, accountName, request.Subject, request.Priority.Human()]
                    + "\n" + text["First response due {0:g} UTC.", request.FirstResponseDueAt],
                text["Open it: {0}", branding.Value.Link(StaffPath(request))]]));
        }
    }

    public async Task StaffRepliedAsync(Request request, RequestMessage message, CancellationToken ct)
    {
        Feed(request, message.AuthorName, $"replied on request #{request.Number} \"{request.Subject}\"");
        await webhooks.PublishAsync(Webhooks.WebhookEvents.RequestReplied, new { request = Summary(request), reply = new { message.Id, message.AuthorName, fromStaff = true, message.Body } }, ct);
        foreach (var r in await CustomersAsync([request.SubmitterId], p => p.RequestUpdates, ct))
        {
            email.Queue(r.Email, r.Language, () => (text["[#{0}] New reply: {1}", request.Number, request.Subject], [
                text["Hello {0},", r.Name],
                text["{0} replied to your request \"{1}\":", message.AuthorName, request.Subject],
                message.Body,
                text["Reply or follow it here: {0}", branding.Value.Link(CustomerPath(request))]]));
        }
    }

    public async Task StatusChangedAsync(Request request, RequestStatus from, string actorName, CancellationToken ct)
    {
        Feed(request, actorName, $"moved request #{request.Number} from {from.Human()} to {request.Status.Human()}");
        await webhooks.PublishAsync(Webhooks.WebhookEvents.RequestStatusChanged, new { request = Summary(request), from = from.ToString(), to = request.Status.ToString() }, ct);
        foreach (var r in await CustomersAsync([request.SubmitterId], p => p.RequestUpdates, ct))
        {
            email.Queue(r.Email, r.Language, () =>
            {
                var extra = request.Status switch
                {
                    RequestStatus.WaitingOnCustomer => " " + text["We need information from you to go on."],
                    // A link to the form, not a rating by link: opening a link must not change anything.
                    RequestStatus.Resolved => " " + text["If this is not resolved for you, you can reopen it from the request page."] + "\n\n"
                        + text["How did we do? Rate it from 1 to 5: {0}", branding.Value.Link(CustomerPath(request) + "#rating")],
                    _ => "",
                };
                return ($"[#{request.Number}] {request.Status.Human()}: {request.Subject}", [
                    text["Hello {0},", r.Name],
                    text["Your request \"{0}\" is now {1} (was {2}).", request.Subject, request.Status.Human(), from.Human()] + extra,
                    branding.Value.Link(CustomerPath(request))]);
            });
        }
    }

    public async Task CustomerRepliedAsync(Request request, RequestMessage message, CancellationToken ct)
    {
        Feed(request, message.AuthorName, $"replied on request #{request.Number} \"{request.Subject}\"");
        await webhooks.PublishAsync(Webhooks.WebhookEvents.RequestReplied, new { request = Summary(request), reply = new { message.Id, message.AuthorName, fromStaff = false, message.Body } }, ct);
        foreach (var r in await recipients.StaffWhoWantAsync(request.AssigneeId, p => p.CustomerReplies, ct))
        {
            email.Queue(r.Email, r.Language, () => (text["[#{0}] Customer reply: {1}", request.Number, request.Subject], [
                text["{0} replied on \"{1}\":", message.AuthorName, request.Subject],
                message.Body,
                branding.Value.Link(StaffPath(request))]));
        }
    }

    private void Feed(Request request, string actorName, string text) =>
        db.Set<ActivityEntry>().Add(new ActivityEntry(request.AccountId, clock.GetUtcNow().UtcDateTime, actorName, text, CustomerPath(request), request.Id));

    private Task<List<Recipient>> CustomersAsync(Guid[] ids, Func<NotificationPreferences, bool> wants, CancellationToken ct) =>
        recipients.WhoWantAsync(q => q.Where(u => ids.Contains(u.Id)), wants, ct);
}
