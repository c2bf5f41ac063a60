namespace Portico.Features.Insights;

/// What a person did in the portal that counts towards adoption: a sign-in or a task done.
public enum KeyEventKind
{
    SignIn = 1,
    InvoiceViewed = 2,
    /// Not recorded yet: an invoice's PDF is a link into the billing system, so the portal does not see the download.
    InvoiceDownloaded = 3,
    DocumentDownloaded = 4,
    DocumentUploaded = 5,
    OrderViewed = 6,
    RequestCreated = 7,
    RequestReplied = 8,
    RequestResolved = 9,
    RequestReopened = 10,
    ApprovalDecided = 11,
    ContactChanged = 12,
    ArticleViewed = 13,
    ArticleHelpful = 14,
    /// A customer left the new-request form because a help article answered the question: a request not filed.
    RequestFormDeflected = 15,
    /// The requester rated a resolved request.
    RequestRated = 16,
}

/// How something reached the portal: a customer in the portal, by email or the API, or staff working for the customer
/// (a request taken by phone or from an email and logged by staff, a staff reply or resolution).
public enum Channel
{
    /// Zero, so requests from before channels were kept read as coming from the portal.
    Portal = 0,
    Email = 1,
    Phone = 2,
    Api = 3,
    StaffOnBehalf = 4,
}

/// One entry of the append-only stream of portal events that adoption figures are counted from. Deliberately small
/// and separate from the audit chain: one insert, saved with the change it describes, no hashing and no lock.
public sealed class KeyEvent : IAccountOwned
{
    public long Id { get; private set; }
    public KeyEventKind Kind { get; private set; }
    public Guid AccountId { get; private set; }
    /// Who acted: the customer, or the staff member for staff channels; none for work no person did.
    public Guid? PersonId { get; private set; }
    public Channel Channel { get; private set; }
    public DateTime OccurredAt { get; private set; }

    private KeyEvent() { }

    public KeyEvent(KeyEventKind kind, Guid accountId, Guid? personId, Channel channel, DateTime occurredAt)
    {
        Kind = kind;
        AccountId = accountId;
        PersonId = personId;
        Channel = channel;
        OccurredAt = occurredAt;
    }
}

internal sealed class KeyEventConfiguration : IEntityTypeConfiguration<KeyEvent>
{
    public void Configure(EntityTypeBuilder<KeyEvent> b)
    {
        // Daily rollups read one account's events in time order.
        b.HasIndex(e => new { e.AccountId, e.OccurredAt });
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
