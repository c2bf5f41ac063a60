using Portico.Infrastructure.Storage;

namespace Portico.Features.Branding;

/// What an Admin submits at /staff/branding. A logo or favicon left empty keeps the current one unless Remove is ticked.
public sealed record BrandChange(string? PortalName, string? PrimaryColor, string? AccentColor, string? SupportEmail, string? SupportPhone,
    IReadOnlyList<FooterLink> FooterLinks, IFormFile? Logo, bool RemoveLogo, IFormFile? Favicon, bool RemoveFavicon);

/// Checks every field, keeps new images in blob storage, saves the single brand row with an audit event, and makes
/// the new brand show on the next request. A refused change stores nothing.
public sealed class SaveBrand(PorticoDb db, IBlobStorage storage, AuditLog audit, Brands brands, TimeProvider clock, IStringLocalizer<SaveBrand> text)
{
    public async Task<Outcome> RunAsync(BrandChange change, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        var name = change.PortalName?.Trim() ?? "";
        if (name.Length is 0 or > BrandRules.MaxNameLength)
        {
            errors[nameof(change.PortalName)] = text["The portal name needs 1 to {0} characters.", BrandRules.MaxNameLength];
        }
        var primary = change.PrimaryColor?.Trim().ToLowerInvariant();
        var accent = change.AccentColor?.Trim().ToLowerInvariant();
        AddIfAny(errors, nameof(change.PrimaryColor), BrandRules.CheckColor(primary, "primary colour", text));
        AddIfAny(errors, nameof(change.AccentColor), BrandRules.CheckColor(accent, "accent colour", text));
        var email = Blank(change.SupportEmail);
        var phone = Blank(change.SupportPhone);
        AddIfAny(errors, nameof(change.SupportEmail), email is null ? null : BrandRules.CheckEmail(email, text));
        AddIfAny(errors, nameof(change.SupportPhone), phone is null ? null : BrandRules.CheckPhone(phone, text));
        var links = change.FooterLinks.Select(l => new FooterLink { Label = l.Label.Trim(), Url = l.Url.Trim() })
            .Where(l => l.Label.Length > 0 || l.Url.Length > 0).ToList();
        if (links.Count > BrandRules.MaxFooterLinks)
        {
            errors["FooterLinks"] = text["The footer holds at most {0} links.", BrandRules.MaxFooterLinks];
        }
        for (var i = 0; i < Math.Min(links.Count, BrandRules.MaxFooterLinks); i++)
        {
            AddIfAny(errors, $"FooterLinks[{i}]", BrandRules.CheckLink(links[i], i + 1, text));
        }
        var logo = await ReadAsync(change.Logo, BrandImageCheck.Logo, nameof(change.Logo), errors, ct);
        var favicon = await ReadAsync(change.Favicon, BrandImageCheck.Favicon, nameof(change.Favicon), errors, ct);
        if (errors.Count > 0)
        {
            return Outcome.Refused(text["The brand was not saved."] + " " + string.Join(" ", errors.Values), errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var stored = await db.StoredBrands.SingleOrDefaultAsync(b => b.Id == StoredBrand.RowId, ct);
        var isNew = stored is null;
        stored ??= db.StoredBrands.Add(new StoredBrand()).Entity;
        var before = Summary(stored);
        stored.PortalName = name;
        stored.PrimaryColor = primary!;
        stored.AccentColor = accent!;
        stored.SupportEmail = email;
        stored.SupportPhone = phone;
        stored.FooterLinks = links;
        // A replaced file stays in storage until the sweeper finds nothing pointing at it.
        stored.Logo = logo is { } newLogo ? await StoreAsync(newLogo, now, ct) : change.RemoveLogo ? null : stored.Logo;
        stored.Favicon = favicon is { } newFavicon ? await StoreAsync(newFavicon, now, ct) : change.RemoveFavicon ? null : stored.Favicon;
        stored.UpdatedAt = now;
        audit.Record(AuditActions.BrandingChanged, targetType: "Branding", targetId: StoredBrand.RowId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            details: new { from = isNew ? null : before, to = Summary(stored) });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (isNew)
        {
            // Two Admins saving the very first brand at once: one row wins, the other is told to look again.
            return Outcome.Refused(text["Another Admin saved the brand at the same moment; check it and save again."]);
        }
        brands.Invalidate();
        return Outcome.Done;
    }

    private static object Summary(StoredBrand b) => new
    {
        name = b.PortalName, primary = b.PrimaryColor, accent = b.AccentColor, logo = b.Logo?.Sha256, favicon = b.Favicon?.Sha256,
        supportEmail = b.SupportEmail, supportPhone = b.SupportPhone, footerLinks = b.FooterLinks.Select(l => $"{l.Label} {l.Url}").ToList(),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static void AddIfAny(Dictionary<string, string> errors, string field, string? error)
    {
        if (error is not null)
        {
            errors[field] = error;
        }
    }

    private async Task<(byte[] Bytes, string ContentType)?> ReadAsync(IFormFile? file, BrandImageCheck.Limits limits, string field,
        Dictionary<string, string> errors, CancellationToken ct)
    {
        if (file is null || file.Length == 0 && string.IsNullOrEmpty(file.FileName))
        {
            return null;
        }
        // Larger than allowed is refused before a byte is read.
        if (BrandImageCheck.TooLarge(file.Length, limits, text) is { } tooLarge)
        {
            errors[field] = tooLarge;
            return null;
        }
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, ct);
        }
        var (type, error) = BrandImageCheck.Check(bytes, limits, text);
        if (error is not null)
        {
            errors[field] = error;
            return null;
        }
        return (bytes, type!);
    }

    private async Task<BrandImage> StoreAsync((byte[] Bytes, string ContentType) image, DateTime now, CancellationToken ct)
    {
        using var content = new MemoryStream(image.Bytes, writable: false);
        var blob = await storage.WriteAsync(content, image.Bytes.Length, ct);
        return new BrandImage { StorageKey = blob.Key, Sha256 = blob.Sha256, ContentType = image.ContentType, UploadedAt = now };
    }
}
