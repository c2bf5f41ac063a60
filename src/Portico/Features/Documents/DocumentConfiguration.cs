using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portico.Features.Documents;

internal sealed class DocumentFolderConfiguration : IEntityTypeConfiguration<DocumentFolder>
{
    public void Configure(EntityTypeBuilder<DocumentFolder> b)
    {
        b.HasIndex(f => new { f.AccountId, f.Name }).IsUnique();
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(f => f.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.Property(f => f.Name).HasMaxLength(100);
    }
}

internal sealed class DocumentConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> b)
    {
        b.HasIndex(d => new { d.FolderId, d.NormalizedName }).IsUnique();
        b.HasIndex(d => new { d.AccountId, d.UpdatedAt });
        b.HasOne<DocumentFolder>().WithMany().HasForeignKey(d => d.FolderId).OnDelete(DeleteBehavior.Restrict);
        b.Property(d => d.Name).HasMaxLength(FileChecks.MaxNameLength);
        b.Property(d => d.NormalizedName).HasMaxLength(FileChecks.MaxNameLength);
    }
}

internal sealed class DocumentVersionConfiguration : IEntityTypeConfiguration<DocumentVersion>
{
    public void Configure(EntityTypeBuilder<DocumentVersion> b)
    {
        b.Property(v => v.Id).ValueGeneratedNever();
        b.HasIndex(v => new { v.DocumentId, v.Number }).IsUnique();
        b.HasIndex(v => v.StorageKey).IsUnique();
        b.HasOne<Document>().WithMany().HasForeignKey(v => v.DocumentId).OnDelete(DeleteBehavior.Restrict);
        b.Property(v => v.StorageKey).HasMaxLength(64);
        b.Property(v => v.Sha256).HasMaxLength(64);
        b.Property(v => v.ContentType).HasMaxLength(120);
        b.Property(v => v.UploadedByName).HasMaxLength(200);
    }
}

internal sealed class DocumentAcknowledgementConfiguration : IEntityTypeConfiguration<DocumentAcknowledgement>
{
    public void Configure(EntityTypeBuilder<DocumentAcknowledgement> b)
    {
        b.HasIndex(a => new { a.VersionId, a.UserId }).IsUnique();
        b.HasIndex(a => a.DocumentId);
        b.HasOne<Document>().WithMany().HasForeignKey(a => a.DocumentId).OnDelete(DeleteBehavior.Cascade);
        b.Property(a => a.UserName).HasMaxLength(200);
    }
}

internal sealed class DocumentRequestConfiguration : IEntityTypeConfiguration<DocumentRequest>
{
    public void Configure(EntityTypeBuilder<DocumentRequest> b)
    {
        b.HasIndex(r => new { r.AccountId, r.FulfilledAt, r.DueOn });
        // Two uploads fulfilling one request at once: the second save finds it changed and is refused.
        b.Property(r => r.FulfilledAt).IsConcurrencyToken();
        b.HasOne<DocumentFolder>().WithMany().HasForeignKey(r => r.FolderId).OnDelete(DeleteBehavior.Restrict);
        b.Property(r => r.Title).HasMaxLength(200);
        b.Property(r => r.Description).HasMaxLength(2000);
        b.Property(r => r.RequestedByName).HasMaxLength(200);
        b.Property(r => r.FulfilledByName).HasMaxLength(200);
    }
}
