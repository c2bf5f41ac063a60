namespace Portico.Features.Orders;

public sealed record Milestone(string Name, DateOnly? DueOn, DateOnly? DoneOn);

public sealed record Tracking(string? Carrier, string? Number, string? Url);

public sealed record OrderEvent(DateTime At, string Text);

/// The statuses a system of record may send for an order or project; stored by name.
public enum OrderStatus
{
    [Display(Name = "Received"), Badge(Tone.Info, Icon.Inbox)] Received,
    [Display(Name = "Planned"), Badge(Tone.Info, Icon.Calendar)] Planned,
    [Display(Name = "In progress"), Badge(Tone.Progress, Icon.Progress)] InProgress,
    [Display(Name = "On hold"), Badge(Tone.Waiting, Icon.Pause)] OnHold,
    [Display(Name = "Shipped"), Badge(Tone.Progress, Icon.Truck)] Shipped,
    [Display(Name = "Delivered"), Badge(Tone.Success, Icon.Check)] Delivered,
    [Display(Name = "Completed"), Badge(Tone.Success, Icon.Check)] Completed,
    [Display(Name = "Cancelled"), Badge(Tone.Neutral, Icon.X)] Cancelled,
}

/// An order or project synced from the ERP or project tool; read-only in the portal.
public sealed class Order : SyncedRecord
{
    public static readonly IReadOnlyList<string> Statuses = Enum.GetNames<OrderStatus>();
    public static readonly IReadOnlyList<string> Kinds = ["Order", "Project"];

    public string Reference { get; private set; } = "";
    public string Title { get; private set; } = "";
    public string Kind { get; private set; } = "Order";
    public string Status { get; private set; } = "Received";
    public List<Milestone> Milestones { get; private set; } = [];
    public string? TrackingCarrier { get; private set; }
    public string? TrackingNumber { get; private set; }
    public string? TrackingUrl { get; private set; }
    public List<OrderEvent> Timeline { get; private set; } = [];

    private Order() { }

    public Order(Guid integrationId, string externalId) : base(integrationId, externalId) { }

    public void Apply(Guid accountId, string reference, string title, string kind, string status, List<Milestone> milestones, Tracking? tracking,
        List<OrderEvent> timeline, string contentHash, DateTime now)
    {
        Reference = reference;
        Title = title;
        Kind = kind;
        Status = status;
        Milestones = milestones;
        (TrackingCarrier, TrackingNumber, TrackingUrl) = (tracking?.Carrier, tracking?.Number, tracking?.Url);
        Timeline = timeline;
        Applied(accountId, contentHash, now);
    }

    /// Statuses after which an order or project is no longer active.
    public static readonly string[] FinishedStatuses = ["Delivered", "Completed", "Cancelled"];

    public Milestone? NextMilestone => Next(Milestones);

    /// The stored status as the enum a badge shows, or the text itself should a source send one the portal does not know.
    public static object StatusOf(string status) => Enum.TryParse<OrderStatus>(status, out var known) && Enum.IsDefined(known) ? known : status;

    public static string StatusName(string status) => StatusOf(status) is Enum known ? known.Human() : status;

    public static Milestone? Next(IEnumerable<Milestone> milestones) =>
        milestones.Where(m => m.DoneOn is null).OrderBy(m => m.DueOn ?? DateOnly.MaxValue).FirstOrDefault();
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.ConfigureSyncedRecord();
        // Staff search finds an order by the start of its reference across accounts.
        b.HasIndex(o => o.Reference);
        b.Property(o => o.Reference).HasMaxLength(50);
        b.Property(o => o.Title).HasMaxLength(200);
        b.Property(o => o.Kind).HasMaxLength(20);
        b.Property(o => o.Status).HasMaxLength(20);
        b.Property(o => o.TrackingCarrier).HasMaxLength(100);
        b.Property(o => o.TrackingNumber).HasMaxLength(100);
        b.Property(o => o.TrackingUrl).HasMaxLength(500);
        b.Property(o => o.Milestones).AsJson();
        b.Property(o => o.Timeline).AsJson();
    }
}
