namespace Portico.Features.Approvals;

/// The kinds of change a rule can hold back for approval.
public static class ChangeKinds
{
    /// Giving someone a role, by a role change or an invitation; a rule names the role.
    public const string RoleGrant = "role.grant";
    public const string AccountAddress = "account.address";

    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [RoleGrant] = "Giving someone a role",
        [AccountAddress] = "Changing the company address",
    };
}

/// Who may approve a change a rule holds back.
public enum ApproverKind
{
    /// The account's staff account manager; any staff Admin while the account has none.
    AccountManager = 1,
    StaffAdmin = 2,
    /// An Owner of the same account other than the person who asked.
    AccountOwner = 3,
}

/// Says that a kind of change (for role grants: to one role) waits for approval by someone.
/// A change without a rule is applied at once.
public sealed class ApprovalRule
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Kind { get; private set; } = "";
    /// The role a role.grant rule is about; empty for other kinds.
    public string RoleName { get; private set; } = "";
    public ApproverKind Approver { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    private ApprovalRule() { }

    public ApprovalRule(string kind, string roleName, ApproverKind approver, DateTime now)
    {
        Kind = kind;
        RoleName = kind == ChangeKinds.RoleGrant ? roleName : "";
        Approver = approver;
        UpdatedAt = now;
    }

    public void ApprovedBy(ApproverKind approver, DateTime now)
    {
        Approver = approver;
        UpdatedAt = now;
    }

    public static string Describe(ApproverKind approver) => approver switch
    {
        ApproverKind.AccountManager => "The account manager (any staff admin if none is set)",
        ApproverKind.StaffAdmin => "A staff admin",
        _ => "Another Owner of the account",
    };
}

internal sealed class ApprovalRuleConfiguration : IEntityTypeConfiguration<ApprovalRule>
{
    public void Configure(EntityTypeBuilder<ApprovalRule> b)
    {
        b.Property(r => r.Kind).HasMaxLength(50);
        b.Property(r => r.RoleName).HasMaxLength(100);
        b.Property(r => r.Approver).HasConversion<string>().HasMaxLength(30);
        b.HasIndex(r => new { r.Kind, r.RoleName }).IsUnique();
        // Defaults a new portal starts with; staff admins change them at /staff/approvals/rules.
        var seeded = new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc);
        b.HasData(
            new { Id = new Guid("6f1d2c1e-8b1a-4c39-9a51-0a6e2f3b7c01"), Kind = ChangeKinds.RoleGrant, RoleName = BuiltInRoles.Owner, Approver = ApproverKind.AccountManager, UpdatedAt = seeded },
            new { Id = new Guid("6f1d2c1e-8b1a-4c39-9a51-0a6e2f3b7c02"), Kind = ChangeKinds.RoleGrant, RoleName = BuiltInRoles.Billing, Approver = ApproverKind.AccountManager, UpdatedAt = seeded },
            new { Id = new Guid("6f1d2c1e-8b1a-4c39-9a51-0a6e2f3b7c03"), Kind = ChangeKinds.AccountAddress, RoleName = "", Approver = ApproverKind.AccountOwner, UpdatedAt = seeded });
    }
}
