using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Features.Activity;
using Portico.Features.Notifications;

namespace Portico.Features.Requests;

internal static class JsonColumn
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// Stores a small value object as JSON text, the same way on every provider.
    public static PropertyBuilder<T> AsJson<T>(this PropertyBuilder<T> property) where T : class, new() =>
        property.HasConversion(
                v => JsonSerializer.Serialize(v, Options),
                s => JsonSerializer.Deserialize<T>(s, Options) ?? new T(),
                new ValueComparer<T>(
                    (a, b) => JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options),
                    v => JsonSerializer.Serialize(v, Options).GetHashCode(StringComparison.Ordinal),
                    v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Options), Options)!))
            .IsRequired();
}

internal sealed class RequestTypeConfiguration : IEntityTypeConfiguration<RequestType>
{
    public void Configure(EntityTypeBuilder<RequestType> b)
    {
        b.Property(t => t.Name).HasMaxLength(RequestLimits.TypeName);
        b.HasIndex(t => t.Name).IsUnique();
        b.Property(t => t.Description).HasMaxLength(RequestLimits.TypeDescription);
        b.Property(t => t.Fields).AsJson();
        b.Property(t => t.SlaTargets).AsJson();
    }
}

internal sealed class RequestConfiguration : IEntityTypeConfiguration<Request>
{
    public void Configure(EntityTypeBuilder<Request> b)
    {
        b.HasIndex(r => new { r.AccountId, r.Number }).IsUnique();
        b.HasIndex(r => new { r.AccountId, r.UpdatedAt });
        b.HasIndex(r => new { r.Status, r.UpdatedAt });
        b.HasIndex(r => new { r.AssigneeId, r.Status });
        // Partial, so the queue's "open, soonest due first" reads the index in order on both databases.
        b.HasIndex(r => r.NextDueAt).HasFilter("\"IsOpen\"").HasDatabaseName("IX_Requests_Open_NextDueAt");
        b.HasOne(r => r.Type).WithMany().HasForeignKey(r => r.TypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Subject).HasMaxLength(RequestLimits.Subject);
        b.Property(r => r.SubmitterName).HasMaxLength(200);
        b.Property(r => r.AssigneeName).HasMaxLength(200);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(30);
        b.Property(r => r.Priority).HasConversion<string>().HasMaxLength(30);
        b.Property(r => r.FieldValues).AsJson();
        b.Property(r => r.Version).IsConcurrencyToken();
    }
}

internal sealed class RequestMessageConfiguration : IEntityTypeConfiguration<RequestMessage>
{
    public void Configure(EntityTypeBuilder<RequestMessage> b)
    {
        b.HasIndex(m => new { m.RequestId, m.CreatedAt });
        b.HasOne<Request>().WithMany().HasForeignKey(m => m.RequestId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        b.Property(m => m.AuthorName).HasMaxLength(200);
        b.Property(m => m.Body).HasMaxLength(RequestLimits.Body);
    }
}

internal sealed class RequestAttachmentConfiguration : IEntityTypeConfiguration<RequestAttachment>
{
    public void Configure(EntityTypeBuilder<RequestAttachment> b)
    {
        b.HasIndex(a => a.RequestId);
        b.HasOne<Request>().WithMany().HasForeignKey(a => a.RequestId).OnDelete(DeleteBehavior.Cascade);
        b.Property(a => a.FileName).HasMaxLength(255);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.Property(a => a.FieldKey).HasMaxLength(60);
        b.Property(a => a.StorageKey).HasMaxLength(64);
        b.Property(a => a.Sha256).HasMaxLength(64);
        // The sweeper looks attachments up by key when deciding what is an orphan.
        b.HasIndex(a => a.StorageKey).IsUnique();
        // Kept under its old column name so existing bytes survive until the start-up move empties them.
        b.Property(a => a.LegacyContent).HasColumnName("Content");
    }
}

internal sealed class RequestEventConfiguration : IEntityTypeConfiguration<RequestEvent>
{
    public void Configure(EntityTypeBuilder<RequestEvent> b)
    {
        b.HasIndex(e => new { e.RequestId, e.At });
        b.HasOne<Request>().WithMany().HasForeignKey(e => e.RequestId).OnDelete(DeleteBehavior.Cascade);
        b.Property(e => e.ActorName).HasMaxLength(200);
        b.Property(e => e.Text).HasMaxLength(500);
    }
}

internal sealed class ActivityEntryConfiguration : IEntityTypeConfiguration<ActivityEntry>
{
    public void Configure(EntityTypeBuilder<ActivityEntry> b)
    {
        b.HasIndex(e => new { e.AccountId, e.At });
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.Property(e => e.ActorName).HasMaxLength(200);
        b.Property(e => e.Text).HasMaxLength(500);
        b.Property(e => e.Link).HasMaxLength(300);
    }
}

internal sealed class NotificationPreferencesConfiguration : IEntityTypeConfiguration<NotificationPreferences>
{
    public void Configure(EntityTypeBuilder<NotificationPreferences> b)
    {
        b.HasKey(p => p.UserId);
        b.HasOne<Identity.PorticoUser>().WithOne().HasForeignKey<NotificationPreferences>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
