namespace Portico.Features.Audit;

/// The audit chain's newest event, in a single row moved with every append. Deleting the newest
/// events leaves it pointing past the end, which verification reports. On SQLite the row is also
/// what is locked while the chain grows.
public sealed class AuditChainHead
{
    public const int RowId = 1;

    public int Id { get; set; }
    /// 0 with an empty hash until the first event.
    public long Sequence { get; set; }
    public string Hash { get; set; } = "";
}

internal sealed class AuditChainHeadConfiguration : IEntityTypeConfiguration<AuditChainHead>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> b)
    {
        b.Property(h => h.Id).ValueGeneratedNever();
        b.Property(h => h.Hash).HasMaxLength(64);
        b.HasData(new AuditChainHead { Id = AuditChainHead.RowId });
    }
}
