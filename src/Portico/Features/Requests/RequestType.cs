using System.Text.RegularExpressions;

namespace Portico.Features.Requests;

public enum FieldKind
{
    [Display(Name = "Short text")] Text,
    [Display(Name = "Long text")] LongText,
    [Display(Name = "Number")] Number,
    [Display(Name = "Date")] Date,
    [Display(Name = "One choice")] Choice,
    [Display(Name = "Several choices")] MultiChoice,
    [Display(Name = "File")] File,
}

public enum RequestPriority
{
    [Display(Name = "Low")] Low = 1,
    [Display(Name = "Normal")] Normal = 2,
    [Display(Name = "High")] High = 3,
    [Display(Name = "Urgent")] Urgent = 4,
}

/// One question on a request type's form. Key is stable; Label may change.
public sealed record RequestField(string Key, string Label, FieldKind Kind, bool Required, IReadOnlyList<string> Options)
{
    public bool HasOptions => Kind is FieldKind.Choice or FieldKind.MultiChoice;
}

/// Hours to first response and to resolution for one priority.
public sealed record SlaTarget(RequestPriority Priority, int FirstResponseHours, int ResolutionHours);

/// A kind of request customers can submit, configured by staff.
public sealed partial class RequestType
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public bool IsActive { get; private set; } = true;
    /// A question customers could answer themselves in the portal (a status, an invoice copy, a document): deflection
    /// compares each account's requests of these types with its own rate before it used the portal.
    public bool IsRepetitive { get; private set; }
    public List<RequestField> Fields { get; private set; } = [];
    /// Customer roles that may submit this type; empty means every role that may submit requests.
    public List<string> AllowedRoles { get; private set; } = [];
    public Guid? DefaultAssigneeId { get; private set; }
    public List<SlaTarget> SlaTargets { get; private set; } = [];
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    private RequestType() { }

    public RequestType(string name, string description, DateTime now)
    {
        Name = name;
        Description = description;
        CreatedAt = now;
        UpdatedAt = now;
        SlaTargets = DefaultSla();
    }

    public void Update(string name, string description, bool isActive, IEnumerable<RequestField> fields, IEnumerable<string> allowedRoles,
        Guid? defaultAssigneeId, IEnumerable<SlaTarget> slaTargets, DateTime now)
    {
        Name = name;
        Description = description;
        IsActive = isActive;
        Fields = fields.ToList();
        AllowedRoles = allowedRoles.Distinct().Order(StringComparer.Ordinal).ToList();
        DefaultAssigneeId = defaultAssigneeId;
        SlaTargets = slaTargets.OrderBy(t => t.Priority).ToList();
        UpdatedAt = now;
    }

    public void CountAsRepetitive(bool repetitive) => IsRepetitive = repetitive;

    public bool AllowsRole(string? roleName) => AllowedRoles.Count == 0 || (roleName is not null && AllowedRoles.Contains(roleName));

    public SlaTarget TargetFor(RequestPriority priority) =>
        SlaTargets.FirstOrDefault(t => t.Priority == priority) ?? DefaultSla().First(t => t.Priority == priority);

    public static List<SlaTarget> DefaultSla() =>
    [
        new(RequestPriority.Low, 24, 240),
        new(RequestPriority.Normal, 8, 120),
        new(RequestPriority.High, 4, 48),
        new(RequestPriority.Urgent, 1, 8),
    ];

    /// A field key from its label: lower-case words joined by dashes, unique within the type.
    public static string KeyFor(string label, IEnumerable<string> taken)
    {
        var key = NonWord().Replace(label.Trim().ToLowerInvariant(), "-").Trim('-');
        if (key.Length == 0)
        {
            key = "field";
        }
        key = key.Length > 40 ? key[..40] : key;
        var set = taken.ToHashSet(StringComparer.Ordinal);
        var candidate = key;
        for (var i = 2; set.Contains(candidate); i++)
        {
            candidate = $"{key}-{i}";
        }
        return candidate;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonWord();
}

internal sealed class RequestTypeConfiguration : IEntityTypeConfiguration<RequestType>
{
    public void Configure(EntityTypeBuilder<RequestType> b)
    {
        b.Property(t => t.Name).HasMaxLength(RequestLimits.TypeName);
        b.HasIndex(t => t.Name).IsUnique();
        b.Property(t => t.Description).HasMaxLength(RequestLimits.TypeDescription);
        b.Property(t => t.Fields).AsJson();
        b.Property(t => t.SlaTargets).AsJson();
    }
}
