using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portico.Features.Integrations;

/// What every record a system of record owns carries (invoices, orders): its source and id there, when it last came
/// and a hash of what came, and the source's version, so a replay changes nothing and an older copy is not applied.
public abstract class SyncedRecord : ISyncedRecord, ISourceVersioned
{
    protected SyncedRecord() { }

    protected SyncedRecord(Guid integrationId, string externalId)
    {
        IntegrationId = integrationId;
        ExternalId = externalId;
    }

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    public Guid IntegrationId { get; private set; }
    public string ExternalId { get; private set; } = "";
    /// When the source last sent this record, and a hash of what it sent, so replays change nothing.
    public DateTime SyncedAt { get; private set; }
    public string ContentHash { get; private set; } = "";
    public DateTime UpdatedAt { get; private set; }
    /// The source's version and change time of what is stored; an older copy from the source is not applied.
    public long? SourceVersion { get; private set; }
    public DateTime? SourceUpdatedAt { get; private set; }

    /// Marks what the source sent, for the account it names, as applied now.
    protected void Applied(Guid accountId, string contentHash, DateTime now)
    {
        AccountId = accountId;
        ContentHash = contentHash;
        UpdatedAt = now;
        SyncedAt = now;
    }

    public void Confirmed(DateTime now) => SyncedAt = now;

    public void CameFrom(long? version, DateTime? updatedAt) => (SourceVersion, SourceUpdatedAt) = (version, updatedAt);
}

public static class SyncedRecordConfiguration
{
    /// One row per id at the source, an account's latest changes found quickly (the staff account timeline reads them), and
    /// the source's version guarding each save.
    public static void ConfigureSyncedRecord<T>(this EntityTypeBuilder<T> b) where T : SyncedRecord
    {
        b.HasIndex(r => new { r.IntegrationId, r.ExternalId }).IsUnique();
        b.HasIndex(r => new { r.AccountId, r.UpdatedAt });
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Integration>().WithMany().HasForeignKey(r => r.IntegrationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.ExternalId).HasMaxLength(100);
        b.Property(r => r.ContentHash).HasMaxLength(64);
        // Two batches changing one record at the same moment: the later save fails instead of overwriting a newer version.
        b.Property(r => r.SourceVersion).IsConcurrencyToken();
        b.Property(r => r.SourceUpdatedAt).IsConcurrencyToken();
    }
}
