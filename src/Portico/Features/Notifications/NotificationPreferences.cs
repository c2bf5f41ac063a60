namespace Portico.Features.Notifications;

/// What a person wants by email. A person without a row gets the defaults (everything on).
public sealed class NotificationPreferences
{
    public Guid UserId { get; private set; }
    /// Customers: replies from staff and status changes on their requests.
    public bool RequestUpdates { get; set; } = true;
    /// Staff: a customer submitted a request.
    public bool NewRequests { get; set; } = true;
    /// Staff: a customer replied on a request assigned to them (or unassigned).
    public bool CustomerReplies { get; set; } = true;
    /// Everyone: a document was shared with me, requested from my account, or is overdue.
    public bool DocumentUpdates { get; set; } = true;

    private NotificationPreferences() { }

    public NotificationPreferences(Guid userId) => UserId = userId;
}

internal sealed class NotificationPreferencesConfiguration : IEntityTypeConfiguration<NotificationPreferences>
{
    public void Configure(EntityTypeBuilder<NotificationPreferences> b)
    {
        b.HasKey(p => p.UserId);
        b.HasOne<Identity.PorticoUser>().WithOne().HasForeignKey<NotificationPreferences>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
