namespace Portico.Features.Accounts;

/// A customer company: the tenant boundary for everything customers see.
public sealed class Account : Integrations.ISourceVersioned
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Name { get; private set; } = "";
    /// The id of this account in the business's CRM, used to map synced records.
    public string? ExternalId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    /// Members reach this account only with two-factor sign-in on; staff Admins set it.
    public bool RequireMfa { get; private set; }
    /// The staff member who looks after this account; approves its sensitive changes when a rule says so.
    public Guid? AccountManagerId { get; private set; }
    /// Staff Admins mark the accounts that matter most; insights show how many of them use the portal.
    public bool IsKey { get; private set; }
    public string? AddressLines { get; private set; }
    public string? AddressCity { get; private set; }
    public string? AddressPostalCode { get; private set; }
    public string? AddressCountry { get; private set; }
    /// The source's version and change time of what is stored; an older copy from the source is not applied.
    public long? SourceVersion { get; private set; }
    public DateTime? SourceUpdatedAt { get; private set; }

    private Account() { }

    public Account(string name, DateTime createdAt, string? externalId = null)
    {
        Name = name;
        CreatedAt = createdAt;
        ExternalId = externalId;
    }

    public void Rename(string name) => Name = name;

    public void CameFrom(long? version, DateTime? updatedAt) => (SourceVersion, SourceUpdatedAt) = (version, updatedAt);

    /// Staff name the id a system of record knows this account by, once; it is never changed afterwards.
    public void MapToExternalId(string externalId) => ExternalId ??= externalId;

    public void SetRequireMfa(bool required) => RequireMfa = required;

    public void MarkKey(bool key) => IsKey = key;

    public void AssignManager(Guid? staffUserId) => AccountManagerId = staffUserId;

    public CompanyAddress? Address =>
        AddressLines is null ? null : new CompanyAddress(AddressLines, AddressCity ?? "", AddressPostalCode ?? "", AddressCountry ?? "");

    public void ChangeAddress(CompanyAddress address)
    {
        AddressLines = address.Lines;
        AddressCity = address.City;
        AddressPostalCode = address.PostalCode;
        AddressCountry = address.Country;
    }
}

/// A company's postal address, kept simple: free lines, city, postal code and country.
public sealed record CompanyAddress(string Lines, string City, string PostalCode, string Country)
{
    public override string ToString() => $"{Lines}, {PostalCode} {City}, {Country}";
}

/// A user's place in an account with one role; expired memberships grant nothing.
public sealed class Membership : IAccountOwned
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    public Account Account { get; private set; } = null!;
    public Guid UserId { get; private set; }
    public Identity.PorticoUser User { get; private set; } = null!;
    public Guid RoleId { get; private set; }
    public Role Role { get; private set; } = null!;
    public DateTime? ExpiresAt { get; private set; }
    public DateTime CreatedAt { get; private set; }

    private Membership() { }

    public Membership(Guid accountId, Guid userId, Guid roleId, DateTime createdAt, DateTime? expiresAt = null)
    {
        AccountId = accountId;
        UserId = userId;
        RoleId = roleId;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public void ChangeRole(Guid roleId) => RoleId = roleId;

    public void SetExpiry(DateTime? expiresAt) => ExpiresAt = expiresAt;
}

/// A named set of permissions from the catalogue. Built-in roles cannot be edited.
public sealed class Role
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";
    public bool IsBuiltIn { get; private set; }
    public List<string> Permissions { get; private set; } = [];

    private Role() { }

    public Role(string name, string description, IEnumerable<string> permissions, bool isBuiltIn = false)
    {
        Name = name;
        Description = description;
        IsBuiltIn = isBuiltIn;
        SetPermissions(permissions);
    }

    public void SetPermissions(IEnumerable<string> permissions)
    {
        var list = permissions.Distinct().Order(StringComparer.Ordinal).ToList();
        var unknown = list.Where(p => !Accounts.Permissions.All.Contains(p)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown permission: {string.Join(", ", unknown)}", nameof(permissions));
        }
        Permissions = list;
    }

    public bool Grants(string permission) => Permissions.Contains(permission);
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.Property(a => a.Name).HasMaxLength(200);
        b.Property(a => a.ExternalId).HasMaxLength(100);
        b.HasIndex(a => a.ExternalId).IsUnique();
        b.HasIndex(a => a.Name);
        b.Ignore(a => a.Address);
        b.Property(a => a.AddressLines).HasMaxLength(CompanyAddressLimits.Lines);
        b.Property(a => a.AddressCity).HasMaxLength(CompanyAddressLimits.City);
        b.Property(a => a.AddressPostalCode).HasMaxLength(CompanyAddressLimits.PostalCode);
        b.Property(a => a.AddressCountry).HasMaxLength(CompanyAddressLimits.Country);
        b.HasOne<Identity.PorticoUser>().WithMany().HasForeignKey(a => a.AccountManagerId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.HasIndex(m => new { m.AccountId, m.UserId }).IsUnique();
        b.HasIndex(m => m.UserId);
        b.HasOne(m => m.Account).WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.Role).WithMany().HasForeignKey(m => m.RoleId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RoleConfiguration : IEntityTypeConfiguration<Role>
{
    public void Configure(EntityTypeBuilder<Role> b)
    {
        b.Property(r => r.Name).HasMaxLength(100);
        b.Property(r => r.Description).HasMaxLength(500);
        b.HasIndex(r => r.Name).IsUnique();
    }
}

public static class CompanyAddressLimits
{
    public const int Lines = 300;
    public const int City = 100;
    public const int PostalCode = 20;
    public const int Country = 100;
}
