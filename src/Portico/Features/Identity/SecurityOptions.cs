namespace Portico.Features.Identity;

/// Sign-in rules an installation chooses.
public sealed class SecurityOptions : IValidatableObject
{
    public const string Section = "Security";

    /// Staff reach every customer's data, so an installation may insist that a stolen
    /// password alone is not enough to open the staff console.
    public bool RequireMfaForStaff { get; set; }

    public bool RequiresMfa(PorticoUser user) => RequireMfaForStaff && user.IsStaff;

    /// A session nobody uses for this long ends; each use pushes the end further out.
    [Range(1, 7 * 24 * 60, ErrorMessage = "Security:IdleTimeoutMinutes must be between 1 and 10080 (one week).")]
    public int IdleTimeoutMinutes { get; set; } = 8 * 60;

    /// However busy, a session ends this long after sign-in, so a stolen cookie does not live forever.
    [Range(1, 90 * 24, ErrorMessage = "Security:AbsoluteTimeoutHours must be between 1 and 2160 (90 days).")]
    public int AbsoluteTimeoutHours { get; set; } = 24;

    public TimeSpan IdleTimeout => TimeSpan.FromMinutes(IdleTimeoutMinutes);
    public TimeSpan AbsoluteTimeout => TimeSpan.FromHours(AbsoluteTimeoutHours);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IdleTimeout > AbsoluteTimeout)
        {
            yield return new ValidationResult(
                "Security:IdleTimeoutMinutes is longer than Security:AbsoluteTimeoutHours; sessions would end at the absolute limit anyway. Lower the idle timeout or raise the absolute one.",
                [nameof(IdleTimeoutMinutes), nameof(AbsoluteTimeoutHours)]);
        }
    }
}
