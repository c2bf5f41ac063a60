namespace Portico.Features.Identity;

public enum StaffRole
{
    Agent = 1,
    Finance = 2,
    Admin = 3,
}

/// How a person wants the portal to look; System follows the device's light or dark setting.
public enum ThemeChoice
{
    [Display(Name = "Same as this device")] System = 0,
    [Display(Name = "Light")] Light = 1,
    [Display(Name = "Dark")] Dark = 2,
}

/// A person who signs in. Staff have a staff role; customers reach accounts through memberships.
public sealed class PorticoUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public StaffRole? StaffRole { get; set; }
    public DateTime CreatedAt { get; set; }
    public ThemeChoice Theme { get; set; }
    /// "en" or "de"; null follows the browser's language.
    public string? Language { get; set; }
    /// An IANA zone id ("Europe/Berlin") for every time shown to this person; null until known (UTC then).
    public string? TimeZone { get; set; }

    public bool IsStaff => StaffRole is not null;
}

internal sealed class PorticoUserConfiguration : IEntityTypeConfiguration<PorticoUser>
{
    public void Configure(EntityTypeBuilder<PorticoUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.Property(u => u.StaffRole).HasConversion<string>().HasMaxLength(20);
        b.Property(u => u.Theme).HasConversion<string>().HasMaxLength(10).HasDefaultValue(ThemeChoice.System);
        b.Property(u => u.Language).HasMaxLength(10);
        b.Property(u => u.TimeZone).HasMaxLength(100);
        // Assignee lists pick the few staff out of every customer user; without this they scan all users.
        b.HasIndex(u => u.StaffRole);
    }
}
