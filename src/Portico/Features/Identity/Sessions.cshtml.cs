namespace Portico.Features.Identity;

public sealed record SessionRow(string Id, DateTime CreatedAt, DateTime LastSeenAt, string? IpAddress, string? UserAgent, bool IsCurrent);

/// A person's signed-in browsers, each of which they can end.
public sealed class SessionsModel(PorticoDb db, EndSessions endSessions, TimeProvider clock, IStringLocalizer<SessionsModel> text) : PageModel
{
    public List<SessionRow> Sessions { get; private set; } = [];
    public string? Notice { get; private set; }

    private string? CurrentSessionId => User.FindFirst(DatabaseTicketStore.SessionIdClaim)?.Value;

    public async Task OnGetAsync(bool ended, CancellationToken ct)
    {
        Notice = ended ? text["Signed out there."].Value : null;
        var userId = User.UserId()!.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var current = CurrentSessionId;
        Sessions = (await db.UserSessions.AsNoTracking().Where(s => s.UserId == userId && s.RevokedAt == null && (s.ExpiresAt == null || s.ExpiresAt > now))
                .OrderByDescending(s => s.LastSeenAt).ToListAsync(ct))
            .Select(s => new SessionRow(s.Id, s.CreatedAt, s.LastSeenAt, s.IpAddress, s.UserAgent, s.Id == current)).ToList();
    }

    public async Task<IActionResult> OnPostEndAsync(string? sessionId, bool others, CancellationToken ct) =>
        (await endSessions.EndAsync(User.UserId()!.Value, CurrentSessionId, sessionId, others, ct)).Succeeded
            ? Redirect("/account/sessions?ended=true")
            : NotFound();
}
