namespace Portico.Features.Notifications;

/// The emails a person chooses to get. Staff-only choices are kept as they are for everyone else.
public sealed record NotificationChoices(bool RequestUpdates, bool DocumentUpdates, bool NewRequests, bool CustomerReplies);

public sealed class ChangeNotificationPreferences(PorticoDb db)
{
    public async Task SaveAsync(Guid userId, bool isStaff, NotificationChoices choices, CancellationToken ct)
    {
        var p = await db.NotificationPreferences.SingleOrDefaultAsync(x => x.UserId == userId, ct);
        if (p is null)
        {
            p = new NotificationPreferences(userId);
            db.NotificationPreferences.Add(p);
        }
        p.RequestUpdates = choices.RequestUpdates;
        p.DocumentUpdates = choices.DocumentUpdates;
        if (isStaff)
        {
            p.NewRequests = choices.NewRequests;
            p.CustomerReplies = choices.CustomerReplies;
        }
        await db.SaveChangesAsync(ct);
    }
}
