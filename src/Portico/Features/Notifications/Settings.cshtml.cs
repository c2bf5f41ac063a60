namespace Portico.Features.Notifications;

/// Each signed-in person chooses which emails they get.
public sealed class SettingsModel(PorticoDb db) : PageModel
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
        var userId = User.UserId()!.Value;
        var p = await db.NotificationPreferences.SingleOrDefaultAsync(x => x.UserId == userId, ct);
        if (p is null)
        {
            p = new NotificationPreferences(userId);
            db.NotificationPreferences.Add(p);
        }
        p.RequestUpdates = RequestUpdates;
        p.DocumentUpdates = DocumentUpdates;
        if (IsStaff)
        {
            p.NewRequests = NewRequests;
            p.CustomerReplies = CustomerReplies;
        }
        await db.SaveChangesAsync(ct);
        return Redirect("/settings/notifications?saved=true");
    }
}
