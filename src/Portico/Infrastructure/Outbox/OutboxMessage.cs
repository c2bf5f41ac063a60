namespace Portico.Infrastructure.Outbox;

/// A side effect saved in the same transaction as the change that causes it.
/// The worker delivers it at least once; handlers use Id to make repeats harmless.
public sealed class OutboxMessage
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Type { get; private set; } = "";
    public string Payload { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public int Attempts { get; internal set; }
    public DateTime NextAttemptAt { get; internal set; }
    public DateTime? LockedUntil { get; internal set; }
    public string? LockedBy { get; internal set; }
    public DateTime? DeliveredAt { get; internal set; }
    public DateTime? FailedAt { get; internal set; }
    public string? LastError { get; internal set; }

    private OutboxMessage() { }

    public static OutboxMessage Create<T>(string type, T payload, DateTime now) => new()
    {
        Type = type,
        Payload = JsonSerializer.Serialize(payload),
        CreatedAt = now,
        NextAttemptAt = now,
    };

    public T Read<T>() => JsonSerializer.Deserialize<T>(Payload)
        ?? throw new InvalidOperationException($"Outbox message {Id} has an empty payload.");
}

/// Delivers one type of outbox message. Must tolerate being called twice for the same message.
public interface IOutboxHandler
{
    string Type { get; }
    Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken);
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.HasKey(m => m.Id);
        b.Property(m => m.Type).HasMaxLength(100);
        b.Property(m => m.LockedBy).HasMaxLength(200);
        b.Property(m => m.LastError).HasMaxLength(2000);
        b.HasIndex(m => new { m.DeliveredAt, m.FailedAt, m.NextAttemptAt });
    }
}
