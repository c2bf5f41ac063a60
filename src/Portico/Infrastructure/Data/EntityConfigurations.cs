using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Features.Audit;
using Portico.Features.Identity;
using Portico.Infrastructure.Outbox;

namespace Portico.Infrastructure.Data;

internal sealed class PorticoUserConfiguration : IEntityTypeConfiguration<PorticoUser>
{
    public void Configure(EntityTypeBuilder<PorticoUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.Property(u => u.StaffRole).HasConversion<string>().HasMaxLength(20);
        // Assignee lists pick the few staff out of every customer user; without this they scan all users.
        b.HasIndex(u => u.StaffRole);
    }
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

internal sealed class AuditChainHeadConfiguration : IEntityTypeConfiguration<AuditChainHead>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> b)
    {
        b.Property(h => h.Id).ValueGeneratedNever();
        b.Property(h => h.Hash).HasMaxLength(64);
        b.HasData(new AuditChainHead { Id = AuditChainHead.RowId });
    }
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
