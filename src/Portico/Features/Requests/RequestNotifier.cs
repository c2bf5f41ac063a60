using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Features.Activity;
using Portico.Features.Identity;
using Portico.Features.Notifications;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Email;
using Portico.Infrastructure.Web;

namespace Portico.Features.Requests;

/// Email and activity feed entries for request events. Everything is added to the current
/// unit of work, so it is delivered only if the change itself is saved.
public sealed class RequestNotifier(PorticoDb db, EmailOutbox email, IOptions<BrandingOptions> branding, TimeProvider clock)
{
    private sealed record Recipient(Guid Id, string Email, string Name);

    public static string CustomerPath(Request r) => $"/a/{r.AccountId}/requests/{r.Id}";

    public static string StaffPath(Request r) => $"/staff/requests/{r.Id}";

    public async Task SubmittedAsync(Request request, string accountName, CancellationToken ct)
    {
        Feed(request, request.SubmitterName, $"submitted request #{request.Number} \"{request.Subject}\"");
        foreach (var r in await CustomersAsync([request.SubmitterId], p => p.RequestUpdates, ct))
        {
            email.Queue(r.Email, $"[#{request.Number}] We received your request: {request.Subject}",
                $"Hello {r.Name},\n\nWe received your request \"{request.Subject}\" for {accountName}. We will reply by {request.FirstResponseDueAt:yyyy-MM-dd HH:mm} UTC at the latest.\n\nFollow it here: {branding.Value.Link(CustomerPath(request))}\n");
        }
        var staff = request.AssigneeId is { } assignee
            ? await PeopleAsync(q => q.Where(u => u.Id == assignee), p => p.NewRequests, ct)
            : await PeopleAsync(q => q.Where(u => u.StaffRole == StaffRole.Agent || u.StaffRole == StaffRole.Admin), p => p.NewRequests, ct);
        foreach (var r in staff)
        {
            email.Queue(r.Email, $"[#{request.Number}] New {request.Priority} request from {accountName}: {request.Subject}",
                $"{request.SubmitterName} at {accountName} submitted \"{request.Subject}\" ({request.Priority}).\nFirst response due {request.FirstResponseDueAt:yyyy-MM-dd HH:mm} UTC.\n\nOpen it: {branding.Value.Link(StaffPath(request))}\n");
        }
    }

    public async Task StaffRepliedAsync(Request request, RequestMessage message, CancellationToken ct)
    {
        Feed(request, message.AuthorName, $"replied on request #{request.Number} \"{request.Subject}\"");
        foreach (var r in await CustomersAsync([request.SubmitterId], p => p.RequestUpdates, ct))
        {
            email.Queue(r.Email, $"[#{request.Number}] New reply: {request.Subject}",
                $"Hello {r.Name},\n\n{message.AuthorName} replied to your request \"{request.Subject}\":\n\n{message.Body}\n\nReply or follow it here: {branding.Value.Link(CustomerPath(request))}\n");
        }
    }

    public async Task StatusChangedAsync(Request request, RequestStatus from, string actorName, CancellationToken ct)
    {
        Feed(request, actorName, $"moved request #{request.Number} from {from.Label()} to {request.Status.Label()}");
        foreach (var r in await CustomersAsync([request.SubmitterId], p => p.RequestUpdates, ct))
        {
            var extra = request.Status switch
            {
                RequestStatus.WaitingOnCustomer => "We need information from you to go on.",
                RequestStatus.Resolved => "If this is not resolved for you, you can reopen it from the request page.",
                _ => "",
            };
            email.Queue(r.Email, $"[#{request.Number}] {request.Status.Label()}: {request.Subject}",
                $"Hello {r.Name},\n\nYour request \"{request.Subject}\" is now {request.Status.Label()} (was {from.Label()}). {extra}\n\n{branding.Value.Link(CustomerPath(request))}\n");
        }
    }

    public async Task CustomerRepliedAsync(Request request, RequestMessage message, CancellationToken ct)
    {
        Feed(request, message.AuthorName, $"replied on request #{request.Number} \"{request.Subject}\"");
        var staff = request.AssigneeId is { } assignee
            ? await PeopleAsync(q => q.Where(u => u.Id == assignee), p => p.CustomerReplies, ct)
            : await PeopleAsync(q => q.Where(u => u.StaffRole == StaffRole.Agent || u.StaffRole == StaffRole.Admin), p => p.CustomerReplies, ct);
        foreach (var r in staff)
        {
            email.Queue(r.Email, $"[#{request.Number}] Customer reply: {request.Subject}",
                $"{message.AuthorName} replied on \"{request.Subject}\":\n\n{message.Body}\n\n{branding.Value.Link(StaffPath(request))}\n");
        }
    }

    private void Feed(Request request, string actorName, string text) =>
        db.Set<ActivityEntry>().Add(new ActivityEntry(request.AccountId, clock.GetUtcNow().UtcDateTime, actorName, text, CustomerPath(request), request.Id));

    private Task<List<Recipient>> CustomersAsync(Guid[] ids, Func<NotificationPreferences, bool> wants, CancellationToken ct) =>
        PeopleAsync(q => q.Where(u => ids.Contains(u.Id)), wants, ct);

    private async Task<List<Recipient>> PeopleAsync(Func<IQueryable<PorticoUser>, IQueryable<PorticoUser>> who, Func<NotificationPreferences, bool> wants, CancellationToken ct)
    {
        var people = await who(db.Users.AsNoTracking())
            .Where(u => u.Email != null)
            .Select(u => new { u.Id, u.Email, u.DisplayName })
            .ToListAsync(ct);
        var ids = people.Select(p => p.Id).ToList();
        var preferences = await db.Set<NotificationPreferences>().AsNoTracking().Where(p => ids.Contains(p.UserId)).ToDictionaryAsync(p => p.UserId, ct);
        return people
            .Where(p => !preferences.TryGetValue(p.Id, out var pref) || wants(pref))
            .Select(p => new Recipient(p.Id, p.Email!, p.DisplayName))
            .ToList();
    }
}
