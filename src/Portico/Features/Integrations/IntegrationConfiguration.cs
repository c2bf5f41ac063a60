using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Features.Billing;
using Portico.Features.Orders;
using Portico.Features.Requests;

namespace Portico.Features.Integrations;

internal sealed class IntegrationConfiguration : IEntityTypeConfiguration<Integration>
{
    public void Configure(EntityTypeBuilder<Integration> b)
    {
        b.HasIndex(i => i.Name).IsUnique();
        b.Property(i => i.Name).HasMaxLength(100);
        b.Property(i => i.LastError).HasMaxLength(1000);
    }
}

internal sealed class IntegrationKeyConfiguration : IEntityTypeConfiguration<IntegrationKey>
{
    public void Configure(EntityTypeBuilder<IntegrationKey> b)
    {
        b.HasIndex(k => k.KeyId).IsUnique();
        b.HasOne<Integration>().WithMany().HasForeignKey(k => k.IntegrationId).OnDelete(DeleteBehavior.Cascade);
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.KeyId).HasMaxLength(12);
        b.Property(k => k.SecretHash).HasMaxLength(64);
    }
}

internal sealed class SystemOfRecordConfiguration : IEntityTypeConfiguration<SystemOfRecord>
{
    public void Configure(EntityTypeBuilder<SystemOfRecord> b)
    {
        b.HasKey(s => s.ObjectType);
        b.Property(s => s.ObjectType).HasMaxLength(30);
        b.HasOne<Integration>().WithMany().HasForeignKey(s => s.IntegrationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DataQualityIncidentConfiguration : IEntityTypeConfiguration<DataQualityIncident>
{
    public void Configure(EntityTypeBuilder<DataQualityIncident> b)
    {
        b.HasIndex(i => new { i.IntegrationId, i.ObjectType, i.ExternalId }).IsUnique();
        b.HasOne<Integration>().WithMany().HasForeignKey(i => i.IntegrationId).OnDelete(DeleteBehavior.Cascade);
        b.Property(i => i.ObjectType).HasMaxLength(30);
        b.Property(i => i.ExternalId).HasMaxLength(100);
        b.Property(i => i.Problem).HasMaxLength(1000);
    }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> b)
    {
        b.HasIndex(i => new { i.IntegrationId, i.ExternalId }).IsUnique();
        b.HasIndex(i => new { i.AccountId, i.Status, i.DueOn });
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(i => i.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Integration>().WithMany().HasForeignKey(i => i.IntegrationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(i => i.ExternalId).HasMaxLength(100);
        b.Property(i => i.Number).HasMaxLength(50);
        b.Property(i => i.Currency).HasMaxLength(3);
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(i => i.PdfUrl).HasMaxLength(500);
        b.Property(i => i.ContentHash).HasMaxLength(64);
        b.Property(i => i.Lines).AsJson();
        b.Property(i => i.Payments).AsJson();
    }
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.HasIndex(o => new { o.IntegrationId, o.ExternalId }).IsUnique();
        b.HasIndex(o => new { o.AccountId, o.UpdatedAt });
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(o => o.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Integration>().WithMany().HasForeignKey(o => o.IntegrationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(o => o.ExternalId).HasMaxLength(100);
        b.Property(o => o.Reference).HasMaxLength(50);
        b.Property(o => o.Title).HasMaxLength(200);
        b.Property(o => o.Kind).HasMaxLength(20);
        b.Property(o => o.Status).HasMaxLength(20);
        b.Property(o => o.TrackingCarrier).HasMaxLength(100);
        b.Property(o => o.TrackingNumber).HasMaxLength(100);
        b.Property(o => o.TrackingUrl).HasMaxLength(500);
        b.Property(o => o.ContentHash).HasMaxLength(64);
        b.Property(o => o.Milestones).AsJson();
        b.Property(o => o.Timeline).AsJson();
    }
}
