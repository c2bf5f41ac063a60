namespace Portico.Features.Audit;

/// One append-only entry of the audit log. Each event's hash covers its own fields and
/// its predecessor's hash, so editing or deleting any stored event breaks the chain.
public sealed class AuditEvent
{
    public long Id { get; private set; }
    /// Position in the chain; unique, gap-free, assigned when the event is saved.
    public long Sequence { get; internal set; }
    public DateTime OccurredAt { get; private set; }
    public Guid? ActorUserId { get; private set; }
    public string? ActorName { get; private set; }
    /// Set while staff act as a customer: the customer whose view was used.
    public Guid? ActingAsUserId { get; private set; }
    public Guid? AccountId { get; private set; }
    public string Action { get; private set; } = "";
    public string? TargetType { get; private set; }
    public string? TargetId { get; private set; }
    public string? IpAddress { get; private set; }
    public string? UserAgent { get; private set; }
    public string? Details { get; private set; }
    public string PreviousHash { get; internal set; } = "";
    public string Hash { get; internal set; } = "";

    private AuditEvent() { }

    public AuditEvent(DateTime occurredAt, string action, Guid? actorUserId, string? actorName, Guid? accountId,
        string? targetType, string? targetId, string? details, string? ipAddress, string? userAgent, Guid? actingAsUserId = null)
    {
        // Truncated to microseconds so the hash survives PostgreSQL's timestamp precision.
        OccurredAt = new DateTime(occurredAt.Ticks - (occurredAt.Ticks % 10), DateTimeKind.Utc);
        Action = action;
        ActorUserId = actorUserId;
        ActorName = Truncate(actorName, 200);
        AccountId = accountId;
        TargetType = targetType;
        TargetId = targetId;
        Details = details;
        IpAddress = Truncate(ipAddress, 64);
        UserAgent = Truncate(userAgent, 512);
        ActingAsUserId = actingAsUserId;
    }

    public string ComputeHash()
    {
        var canonical = string.Join('\u001f',
            Sequence.ToString(CultureInfo.InvariantCulture),
            OccurredAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            ActorUserId?.ToString() ?? "", ActorName ?? "", ActingAsUserId?.ToString() ?? "",
            AccountId?.ToString() ?? "", Action, TargetType ?? "", TargetId ?? "",
            IpAddress ?? "", UserAgent ?? "", Details ?? "", PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.HasKey(e => e.Id);
        b.HasIndex(e => e.Sequence).IsUnique();
        b.HasIndex(e => new { e.AccountId, e.Sequence });
        b.HasIndex(e => new { e.Action, e.Sequence });
        b.HasIndex(e => new { e.ActorUserId, e.Sequence });
        b.HasIndex(e => new { e.TargetId, e.Sequence });
        b.Property(e => e.Action).HasMaxLength(100);
        b.Property(e => e.ActorName).HasMaxLength(200);
        b.Property(e => e.TargetType).HasMaxLength(100);
        b.Property(e => e.TargetId).HasMaxLength(100);
        b.Property(e => e.IpAddress).HasMaxLength(64);
        b.Property(e => e.UserAgent).HasMaxLength(512);
        b.Property(e => e.PreviousHash).HasMaxLength(64);
        b.Property(e => e.Hash).HasMaxLength(64);
    }
}
