namespace Portico.Features.Identity;

/// A person signs out one of their browsers, or all but the one they use.
public sealed class EndSessions(PorticoDb db, DatabaseTicketStore store, AuditLog audit)
{
    public async Task<Outcome> EndAsync(Guid userId, string? currentSessionId, string? sessionId, bool others, CancellationToken ct)
    {
        var sessions = await db.UserSessions.Where(s => s.UserId == userId && s.RevokedAt == null
            && (others ? s.Id != currentSessionId : s.Id == sessionId)).ToListAsync(ct);
        if (!others && sessions.Count == 0)
        {
            return Outcome.NotFound;
        }
        store.End(sessions);
        audit.Record(AuditActions.SessionsEnded, targetType: "User", targetId: userId.ToString(), details: new { count = sessions.Count, others });
        await db.SaveChangesAsync(ct);
        store.Forget(sessions);
        return Outcome.Done;
    }
}
