namespace Portico.Features.Notifications;

/// Each signed-in person chooses which emails they get.
public sealed class SettingsModel(PorticoDb db, ChangeNotificationPreferences preferences) : PageModel
{
    [BindProperty] public bool RequestUpdates { get; set; }
    [BindProperty] public bool NewRequests { get; set; }
    [BindProperty] public bool CustomerReplies { get; set; }
    [BindProperty] public bool DocumentUpdates { get; set; }
    public bool IsStaff => User.HasClaim(c => c.Type == StaffHandler.StaffRoleClaim);
    public bool Saved { get; private set; }

    public async Task OnGetAsync(bool saved, CancellationToken ct)
    {
        Saved = saved;
        var userId = User.UserId()!.Value;
        var p = await db.NotificationPreferences.AsNoTracking().SingleOrDefaultAsync(x => x.UserId == userId, ct) ?? new NotificationPreferences(userId);
        (RequestUpdates, NewRequests, CustomerReplies, DocumentUpdates) = (p.RequestUpdates, p.NewRequests, p.CustomerReplies, p.DocumentUpdates);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await preferences.SaveAsync(User.UserId()!.Value, IsStaff, new NotificationChoices(RequestUpdates, DocumentUpdates, NewRequests, CustomerReplies), ct);
        return Redirect("/settings/notifications?saved=true");
    }
}
