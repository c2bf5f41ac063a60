using Microsoft.AspNetCore.Identity;

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
