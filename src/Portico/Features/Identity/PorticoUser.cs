namespace Portico.Features.Identity;

public enum StaffRole
{
    Agent = 1,
    Finance = 2,
    Admin = 3,
}

/// A person who signs in. Staff have a staff role; customers reach accounts through memberships.
public sealed class PorticoUser : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = "";
    public StaffRole? StaffRole { get; set; }
    public DateTime CreatedAt { get; set; }

    public bool IsStaff => StaffRole is not null;
}

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
