namespace Portico.Features.Branding;

/// A link in the footer of every page.
public sealed class FooterLink
{
    public string Label { get; set; } = "";
    public string Url { get; set; } = "";
}

/// An uploaded logo or favicon: the bytes live in blob storage, checked against the SHA-256 when served.
public sealed class BrandImage
{
    public string StorageKey { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public string ContentType { get; set; } = "";
    public DateTime UploadedAt { get; set; }
}

/// The brand staff Admins set at /staff/branding, in a single row. Until it is first saved the portal shows the
/// Branding settings from configuration.
public sealed class StoredBrand
{
    public const int RowId = 1;

    public int Id { get; set; } = RowId;
    public string PortalName { get; set; } = "";
    public string PrimaryColor { get; set; } = "";
    public string AccentColor { get; set; } = "";
    public BrandImage? Logo { get; set; }
    public BrandImage? Favicon { get; set; }
    public string? SupportEmail { get; set; }
    public string? SupportPhone { get; set; }
    public List<FooterLink> FooterLinks { get; set; } = [];
    public DateTime UpdatedAt { get; set; }
}

internal sealed class StoredBrandConfiguration : IEntityTypeConfiguration<StoredBrand>
{
    public void Configure(EntityTypeBuilder<StoredBrand> b)
    {
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.PortalName).HasMaxLength(BrandRules.MaxNameLength);
        b.Property(s => s.PrimaryColor).HasMaxLength(7);
        b.Property(s => s.AccentColor).HasMaxLength(7);
        b.Property(s => s.SupportEmail).HasMaxLength(256);
        b.Property(s => s.SupportPhone).HasMaxLength(BrandRules.MaxPhoneLength);
        b.Property(s => s.FooterLinks).AsJson();
        b.OwnsOne(s => s.Logo, Image);
        b.OwnsOne(s => s.Favicon, Image);
    }

    private static void Image<T>(OwnedNavigationBuilder<T, BrandImage> i) where T : class
    {
        i.Property(x => x.StorageKey).HasMaxLength(32);
        i.Property(x => x.Sha256).HasMaxLength(64);
        i.Property(x => x.ContentType).HasMaxLength(20);
    }
}
