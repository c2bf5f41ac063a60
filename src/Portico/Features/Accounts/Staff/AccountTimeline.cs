namespace Portico.Features.Accounts.Staff;

public sealed record TimelineEntry(DateTime At, string What, string? Who, string? Link);

/// One page of the timeline, newest first; Older is where the next page starts, null on the last.
public sealed record TimelinePage(IReadOnlyList<TimelineEntry> Entries, long? Older);

/// What happened to an account, read from where it is already recorded: the audit log (requests, documents,
/// people and roles, invitations, approvals), its members' sessions (sign-ins), the synced invoices and orders,
/// and the data-quality incidents that name it. Each source reads at most one page through an index that starts
/// with the account, so a busy account costs the same as a quiet one.
public sealed class AccountTimeline(PorticoDb db, IStringLocalizer<AccountTimeline> text)
{
    public const int PageSize = 50;

    private static readonly Dictionary<string, string> Labels = new()
    {
        [AuditActions.RequestCreated] = "Request created",
        [AuditActions.RequestStatusChanged] = "Request status changed",
        [AuditActions.RequestAssigned] = "Request assigned",
        [AuditActions.DocumentUploaded] = "Document uploaded",
        [AuditActions.DocumentDeleted] = "Document deleted",
        [AuditActions.DocumentRequested] = "Document requested",
        [AuditActions.DocumentRequestFulfilled] = "Document request fulfilled",
        [AuditActions.InvitationCreated] = "Invitation sent",
        [AuditActions.InvitationResent] = "Invitation sent again",
        [AuditActions.InvitationAccepted] = "Invitation accepted",
        [AuditActions.InvitationRevoked] = "Invitation withdrawn",
        [AuditActions.MembershipRoleChanged] = "Role changed",
        [AuditActions.MembershipRemoved] = "Access removed",
        [AuditActions.MembershipExpiryChanged] = "Access end date changed",
        [AuditActions.ContactChangeRefused] = "Change to people refused",
        [AuditActions.ApprovalRequested] = "Approval requested",
        [AuditActions.ApprovalApproved] = "Change approved",
        [AuditActions.ApprovalRejected] = "Change rejected",
        [AuditActions.ApprovalWithdrawn] = "Approval request withdrawn",
        [AuditActions.SessionsEnded] = "Sessions ended",
        [AuditActions.Unlocked] = "Sign-in unlocked",
        [AuditActions.TwoFactorReset] = "Two-factor sign-in reset",
        [AuditActions.AccountMfaPolicyChanged] = "Two-factor rule changed",
        [AuditActions.AccountAddressChanged] = "Company address changed",
        [AuditActions.AccountManagerChanged] = "Account manager changed",
        [AuditActions.AccountKeyChanged] = "Key account changed",
        [AuditActions.AccountCreated] = "Account created",
    };

    private static readonly string[] Shown = [.. Labels.Keys];

    /// The page of entries older than before (ticks, UTC), or the newest page.
    public async Task<TimelinePage> ReadAsync(Guid accountId, long? before, CancellationToken ct)
    {
        var until = before is { } ticks && ticks > 0 && ticks <= DateTime.MaxValue.Ticks ? new DateTime(ticks, DateTimeKind.Utc) : (DateTime?)null;
        var take = PageSize + 1;
        var entries = new List<TimelineEntry>();

        // The audit log's (AccountId, Sequence) index, read backwards; the sequence follows time.
        var events = db.AuditEvents.AsNoTracking().Where(e => e.AccountId == accountId && Shown.Contains(e.Action));
        if (until is not null)
        {
            events = events.Where(e => e.OccurredAt < until);
        }
        foreach (var e in await events.OrderByDescending(e => e.Sequence).Take(take)
                     .Select(e => new { e.OccurredAt, e.Action, e.ActorName, e.TargetType, e.TargetId, e.Details }).ToListAsync(ct))
        {
            entries.Add(new TimelineEntry(e.OccurredAt, Describe(e.Action, e.Details), e.ActorName, LinkTo(e.TargetType, e.TargetId)));
        }

        // Every session starts with a sign-in; those of the account's members, whatever account they used it for.
        var signIns = db.UserSessions.AsNoTracking().Where(s => db.Memberships.AcrossAccounts().Any(m => m.AccountId == accountId && m.UserId == s.UserId));
        if (until is not null)
        {
            signIns = signIns.Where(s => s.CreatedAt < until);
        }
        foreach (var s in await signIns.OrderByDescending(s => s.CreatedAt).Take(take)
                     .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { s.CreatedAt, u.DisplayName, u.Email }).ToListAsync(ct))
        {
            entries.Add(new TimelineEntry(s.CreatedAt, text["Signed in: {0} ({1})", s.DisplayName, s.Email ?? ""], null, null));
        }

        var invoices = db.Invoices.AsNoTracking().AcrossAccounts().Where(i => i.AccountId == accountId);
        var orders = db.Orders.AsNoTracking().AcrossAccounts().Where(o => o.AccountId == accountId);
        if (until is not null)
        {
            invoices = invoices.Where(i => i.UpdatedAt < until);
            orders = orders.Where(o => o.UpdatedAt < until);
        }
        foreach (var i in await invoices.OrderByDescending(i => i.UpdatedAt).Take(take).Select(i => new { i.UpdatedAt, i.Number, i.Status }).ToListAsync(ct))
        {
            entries.Add(new TimelineEntry(i.UpdatedAt, text["Invoice {0} synced ({1})", i.Number, i.Status.Human()], text["System of record"], null));
        }
        foreach (var o in await orders.OrderByDescending(o => o.UpdatedAt).Take(take).Select(o => new { o.UpdatedAt, o.Reference, o.Status }).ToListAsync(ct))
        {
            entries.Add(new TimelineEntry(o.UpdatedAt, text["Order {0} synced ({1})", o.Reference, Orders.Order.StatusName(o.Status)], text["System of record"], null));
        }

        // Incidents carry no account: they name it by its external id, as the account record itself or as the
        // account a held record was for. Few incidents exist at any time, so reading them without an index is cheap.
        var externalId = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.ExternalId).SingleOrDefaultAsync(ct);
        if (!string.IsNullOrEmpty(externalId))
        {
            var incidents = db.DataQualityIncidents.AsNoTracking()
                .Where(i => (i.ObjectType == Integrations.SyncedObjectTypes.Accounts && i.ExternalId == externalId) || i.ExternalAccountId == externalId);
            if (until is not null)
            {
                incidents = incidents.Where(i => i.LastSeenAt < until);
            }
            foreach (var i in await incidents.OrderByDescending(i => i.LastSeenAt).Take(take)
                         .Select(i => new { i.LastSeenAt, i.ObjectType, i.ExternalId, i.Problem, i.Occurrences, i.ResolvedAt }).ToListAsync(ct))
            {
                entries.Add(new TimelineEntry(i.LastSeenAt,
                    text[i.ResolvedAt is null ? "Data-quality incident: {0} {1}: {2} (seen {3}×)" : "Data-quality incident (resolved): {0} {1}: {2} (seen {3}×)",
                        i.ObjectType, i.ExternalId, i.Problem, i.Occurrences],
                    text["System of record"], "/staff/integrations"));
            }
        }

        var ordered = entries.OrderByDescending(e => e.At).ToList();
        var page = ordered.Take(PageSize).ToList();
        return new TimelinePage(page, ordered.Count > PageSize ? page[^1].At.Ticks : null);
    }

    private static string? LinkTo(string? targetType, string? targetId) => targetType switch
    {
        "Request" when Guid.TryParse(targetId, out var id) => $"/staff/requests/{id}",
        "Document" when Guid.TryParse(targetId, out var id) => $"/staff/documents/{id}",
        _ => null,
    };

    /// The action's label and the few details that say what it was about.
    private string Describe(string action, string? details)
    {
        string label = Labels.TryGetValue(action, out var english) ? text[english] : action;
        if (details is null)
        {
            return label;
        }
        try
        {
            using var json = JsonDocument.Parse(details);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return label;
            }
            var parts = new List<string>();
            foreach (var name in new[] { "number", "subject", "name", "email", "Email", "user", "role", "from", "to", "Summary", "summary", "reason" })
            {
                if (json.RootElement.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    parts.Add(name == "from" ? text["from {0}", value.ToString()] : name == "to" ? text["to {0}", value.ToString()] : name == "number" ? $"#{value}" : value.ToString());
                }
            }
            return parts.Count == 0 ? label : $"{label}: {string.Join(", ", parts)}";
        }
        catch (JsonException)
        {
            return label;
        }
    }
}
