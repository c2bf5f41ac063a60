namespace Portico.Features.Integrations;

/// What is left of an invoice or order the source deleted (by a delete, or by its absence from a snapshot):
/// the source version it was deleted at, so an older copy sent later is stale instead of bringing it back.
public sealed class DeletedRecord : ISourceVersioned
{
    public Guid IntegrationId { get; private set; }
    public string ObjectType { get; private set; } = "";
    public string ExternalId { get; private set; } = "";
    public long? SourceVersion { get; private set; }
    public DateTime? SourceUpdatedAt { get; private set; }
    public DateTime DeletedAt { get; private set; }

    private DeletedRecord() { }

    public DeletedRecord(Guid integrationId, string objectType, string externalId, long? version, DateTime? updatedAt, DateTime now)
    {
        IntegrationId = integrationId;
        ObjectType = objectType;
        ExternalId = externalId;
        (SourceVersion, SourceUpdatedAt) = (version, updatedAt);
        DeletedAt = now;
    }

    /// Only a record with a version or change time can be told apart from an older copy; others keep the old rule.
    public static bool Worth(long? version, DateTime? updatedAt) => version is not null || updatedAt is not null;

    /// A later delete of a record that is already deleted only moves the version forward, never back.
    public void CameFrom(long? version, DateTime? updatedAt)
    {
        SourceVersion = version is { } v && (SourceVersion is not { } held || v > held) ? v : SourceVersion;
        SourceUpdatedAt = updatedAt is { } at && (SourceUpdatedAt is not { } heldAt || at > heldAt) ? at : SourceUpdatedAt;
    }
}

internal sealed class DeletedRecordConfiguration : IEntityTypeConfiguration<DeletedRecord>
{
    public void Configure(EntityTypeBuilder<DeletedRecord> b)
    {
        b.HasKey(d => new { d.IntegrationId, d.ObjectType, d.ExternalId });
        b.HasOne<Integration>().WithMany().HasForeignKey(d => d.IntegrationId).OnDelete(DeleteBehavior.Cascade);
        b.Property(d => d.ObjectType).HasMaxLength(30);
        b.Property(d => d.ExternalId).HasMaxLength(100);
    }
}
