namespace Portico.Features.Identity;

/// Sign-in rules an installation chooses.
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// Staff reach every customer's data, so an installation may insist that a stolen
    /// password alone is not enough to open the staff console.
    public bool RequireMfaForStaff { get; set; }

    public bool RequiresMfa(PorticoUser user) => RequireMfaForStaff && user.IsStaff;
}
