namespace Portico.Features.Documents;

/// A folder in one account. Roles listed here narrow who may view or upload; empty lists mean
/// every member whose role has the documents permission. Staff-only folders are never shown to customers.
public sealed class DocumentFolder : IAccountOwned
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    public string Name { get; private set; } = "";
    public bool StaffOnly { get; private set; }
    public List<string> ViewRoles { get; private set; } = [];
    public List<string> UploadRoles { get; private set; } = [];
    public DateTime CreatedAt { get; private set; }

    private DocumentFolder() { }

    public DocumentFolder(Guid accountId, string name, bool staffOnly, IEnumerable<string> viewRoles, IEnumerable<string> uploadRoles, DateTime now)
    {
        AccountId = accountId;
        Name = name;
        CreatedAt = now;
        SetAccess(staffOnly, viewRoles, uploadRoles);
    }

    public void SetAccess(bool staffOnly, IEnumerable<string> viewRoles, IEnumerable<string> uploadRoles)
    {
        StaffOnly = staffOnly;
        ViewRoles = viewRoles.Distinct().Order(StringComparer.Ordinal).ToList();
        UploadRoles = uploadRoles.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    public bool CustomerCanView(string? role) => !StaffOnly && (ViewRoles.Count == 0 || (role is not null && ViewRoles.Contains(role)));

    public bool CustomerCanUpload(string? role) => CustomerCanView(role) && RoleMayUpload(UploadRoles, role);

    public static bool RoleMayUpload(IReadOnlyCollection<string> uploadRoles, string? role) =>
        uploadRoles.Count == 0 || (role is not null && uploadRoles.Contains(role));
}

/// A named file in a folder; uploading the same name again adds a version.
public sealed class Document : IAccountOwned
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    public Guid FolderId { get; private set; }
    public string Name { get; private set; } = "";
    /// Lower-case name: one document per name and folder, whatever the case.
    public string NormalizedName { get; private set; } = "";
    public int VersionCount { get; private set; }
    public Guid? CurrentVersionId { get; private set; }
    public long CurrentSize { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? DeletedAt { get; private set; }
    /// Roles whose members must acknowledge the current version; empty means no acknowledgement is asked.
    public List<string> AcknowledgementRoles { get; private set; } = [];

    private Document() { }

    public Document(Guid accountId, Guid folderId, string name, DateTime now)
    {
        AccountId = accountId;
        FolderId = folderId;
        Name = name;
        NormalizedName = name.ToUpperInvariant();
        CreatedAt = now;
        UpdatedAt = now;
    }

    public DocumentVersion AddVersion(Guid versionId, string storageKey, long size, string sha256, string contentType, Guid uploadedById, string uploadedByName, bool fromStaff, DateTime now)
    {
        VersionCount++;
        var version = new DocumentVersion(versionId, this, VersionCount, storageKey, size, sha256, contentType, uploadedById, uploadedByName, fromStaff, now);
        CurrentVersionId = version.Id;
        CurrentSize = size;
        UpdatedAt = now;
        DeletedAt = null;
        return version;
    }

    public void RequireAcknowledgement(IEnumerable<string> roles, DateTime now)
    {
        AcknowledgementRoles = roles.Distinct().Order(StringComparer.Ordinal).ToList();
        UpdatedAt = now;
    }

    public void Delete(DateTime now) => DeletedAt = now;
}

public sealed class DocumentVersion : IAccountOwned
{
    public Guid Id { get; private set; }
    public Guid AccountId { get; private set; }
    public Guid DocumentId { get; private set; }
    public int Number { get; private set; }
    public string StorageKey { get; private set; } = "";
    public long Size { get; private set; }
    public string Sha256 { get; private set; } = "";
    /// Decided from the bytes and the name at upload, never taken from the client.
    public string ContentType { get; private set; } = "";
    public Guid UploadedById { get; private set; }
    public string UploadedByName { get; private set; } = "";
    public bool FromStaff { get; private set; }
    public DateTime CreatedAt { get; private set; }

    private DocumentVersion() { }

    internal DocumentVersion(Guid id, Document document, int number, string storageKey, long size, string sha256, string contentType,
        Guid uploadedById, string uploadedByName, bool fromStaff, DateTime now)
    {
        Id = id;
        AccountId = document.AccountId;
        DocumentId = document.Id;
        Number = number;
        StorageKey = storageKey;
        Size = size;
        Sha256 = sha256;
        ContentType = contentType;
        UploadedById = uploadedById;
        UploadedByName = uploadedByName;
        FromStaff = fromStaff;
        CreatedAt = now;
    }
}

/// Where a person stands with a document asked of their role: the current version read and confirmed, or not yet.
public enum AcknowledgementState
{
    [Display(Name = "Not yet acknowledged"), Badge(Tone.Waiting, Icon.Clock)] Awaiting = 1,
    [Display(Name = "Acknowledged"), Badge(Tone.Success, Icon.Check)] Acknowledged = 2,
}

/// A member confirmed they read one version of a document.
public sealed class DocumentAcknowledgement : IAccountOwned
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    public Guid DocumentId { get; private set; }
    public Guid VersionId { get; private set; }
    public Guid UserId { get; private set; }
    public string UserName { get; private set; } = "";
    public DateTime At { get; private set; }

    private DocumentAcknowledgement() { }

    public DocumentAcknowledgement(Document document, Guid versionId, Guid userId, string userName, DateTime now)
    {
        AccountId = document.AccountId;
        DocumentId = document.Id;
        VersionId = versionId;
        UserId = userId;
        UserName = userName;
        At = now;
    }
}

/// Staff ask the account for a file by a date; a customer fulfils it by uploading.
public sealed class DocumentRequest : IAccountOwned
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    public Guid FolderId { get; private set; }
    public string Title { get; private set; } = "";
    public string Description { get; private set; } = "";
    public DateOnly DueOn { get; private set; }
    public string RequestedByName { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime? FulfilledAt { get; private set; }
    public string? FulfilledByName { get; private set; }
    public Guid? DocumentId { get; private set; }
    public DateTime? LastRemindedAt { get; private set; }

    private DocumentRequest() { }

    public DocumentRequest(Guid accountId, Guid folderId, string title, string description, DateOnly dueOn, string requestedByName, DateTime now)
    {
        AccountId = accountId;
        FolderId = folderId;
        Title = title;
        Description = description;
        DueOn = dueOn;
        RequestedByName = requestedByName;
        CreatedAt = now;
    }

    public bool IsOverdue(DateTime now) => FulfilledAt is null && DateOnly.FromDateTime(now) > DueOn;

    public void Fulfil(Guid documentId, string byName, DateTime now)
    {
        FulfilledAt = now;
        FulfilledByName = byName;
        DocumentId = documentId;
    }

    public void Reminded(DateTime now) => LastRemindedAt = now;
}

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
