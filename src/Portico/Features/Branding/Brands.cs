namespace Portico.Features.Branding;

/// The brand as every page, stylesheet and email shows it: the stored one, or the Branding settings until an Admin saves.
public sealed record Brand(string PortalName, string PrimaryColor, string AccentColor, string LogoUrl, BrandImage? Logo, BrandImage? Favicon,
    string? SupportEmail, string? SupportPhone, IReadOnlyList<FooterLink> FooterLinks, long Version)
{
    public string? FaviconUrl => Favicon is null ? null : ImageUrl(BrandingModule.FaviconPath, Favicon);

    /// The content hash in the address makes browsers fetch a new image at once, while an unchanged one stays cached.
    internal static string ImageUrl(string path, BrandImage image) => $"{path}?v={image.Sha256[..16]}";
}

/// Reads the brand once and keeps it in memory; a save on this node drops it at once, and other nodes of the same
/// installation read it again within Freshness.
public sealed class Brands(IServiceScopeFactory scopes, IOptions<BrandingOptions> options, TimeProvider clock) : IEmailBrand
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);

    private sealed record Cached(Brand Brand, DateTimeOffset ReadAt);

    private volatile Cached? _cached;
    // Bumped by every save: a read that started before it must not put the older brand back.
    private long _generation;

    public async Task<Brand> GetAsync(CancellationToken ct = default)
    {
        if (_cached is { } cached && clock.GetUtcNow() - cached.ReadAt < Freshness)
        {
            return cached.Brand;
        }
        var generation = Interlocked.Read(ref _generation);
        var readAt = clock.GetUtcNow();
        StoredBrand? stored;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
            stored = await db.StoredBrands.AsNoTracking().SingleOrDefaultAsync(b => b.Id == StoredBrand.RowId, ct);
        }
        var brand = From(stored, options.Value);
        if (Interlocked.Read(ref _generation) == generation)
        {
            _cached = new Cached(brand, readAt);
        }
        return brand;
    }

    /// Called once a save is committed, so the next request on this node reads the new brand.
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _cached = null;
    }

    async Task<EmailBrand> IEmailBrand.GetAsync(CancellationToken ct)
    {
        var brand = await GetAsync(ct);
        return new EmailBrand(brand.PortalName, brand.PrimaryColor, options.Value.PublicUrl);
    }

    public static Brand From(StoredBrand? stored, BrandingOptions defaults) => stored is null
        ? new Brand(defaults.PortalName, defaults.PrimaryColor, defaults.AccentColor, defaults.LogoUrl, null, null, null, null, [], 0)
        : new Brand(stored.PortalName, stored.PrimaryColor, stored.AccentColor,
            stored.Logo is null ? defaults.LogoUrl : Brand.ImageUrl(BrandingModule.LogoPath, stored.Logo), stored.Logo, stored.Favicon,
            stored.SupportEmail, stored.SupportPhone, stored.FooterLinks, stored.UpdatedAt.Ticks);
}
