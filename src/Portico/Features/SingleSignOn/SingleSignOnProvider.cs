namespace Portico.Features.SingleSignOn;

/// An OpenID Connect identity provider a customer signs in with, found by the email domains it serves.
/// Its client secret is kept encrypted with data protection and never shown again.
public sealed class SingleSignOnProvider
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Name { get; private set; } = "";
    public string DiscoveryUrl { get; private set; } = "";
    public string ClientId { get; private set; } = "";
    public string ProtectedClientSecret { get; private set; } = "";
    /// Space-separated, always with "openid".
    public string Scopes { get; private set; } = "";
    /// The role a new member gets in each account the provider serves when none of their groups maps to one.
    public Guid DefaultRoleId { get; private set; }
    /// Password, email-link and passkey sign-in are refused for addresses in its domains.
    public bool Required { get; private set; }
    public bool Enabled { get; private set; }
    /// Changes with every save, so each node rebuilds its sign-in settings for this provider.
    public Guid Version { get; private set; } = Guid.NewGuid();
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    /// SHA-256 of the SCIM bearer token the provider provisions people with; the token itself is shown once.
    public string? ScimTokenHash { get; private set; }
    public DateTime? ScimTokenCreatedAt { get; private set; }
    public List<SingleSignOnDomain> Domains { get; private set; } = [];
    public List<SingleSignOnAccount> Accounts { get; private set; } = [];
    public List<SingleSignOnGroupRole> GroupRoles { get; private set; } = [];

    private SingleSignOnProvider() { }

    public SingleSignOnProvider(DateTime now) => CreatedAt = now;

    public void Change(ProviderSettings settings, string? protectedSecret, DateTime now)
    {
        Name = settings.Name;
        DiscoveryUrl = settings.DiscoveryUrl;
        ClientId = settings.ClientId;
        ProtectedClientSecret = protectedSecret ?? ProtectedClientSecret;
        Scopes = string.Join(' ', settings.Scopes);
        DefaultRoleId = settings.DefaultRoleId;
        Required = settings.Required;
        Enabled = settings.Enabled;
        Domains.RemoveAll(d => !settings.Domains.Contains(d.Domain));
        Domains.AddRange(settings.Domains.Where(d => Domains.All(k => k.Domain != d)).Select(d => new SingleSignOnDomain(Id, d)));
        Accounts.RemoveAll(a => !settings.AccountIds.Contains(a.AccountId));
        Accounts.AddRange(settings.AccountIds.Where(a => Accounts.All(k => k.AccountId != a)).Select(a => new SingleSignOnAccount(Id, a)));
        GroupRoles.RemoveAll(g => !settings.GroupRoles.TryGetValue(g.Group, out var role) || role != g.RoleId);
        GroupRoles.AddRange(settings.GroupRoles.Where(g => GroupRoles.All(k => k.Group != g.Key)).Select(g => new SingleSignOnGroupRole(Id, g.Key, g.Value)));
        Version = Guid.NewGuid();
        UpdatedAt = now;
    }

    public const string ScimTokenPrefix = "portico_scim_";

    /// A new SCIM token, replacing any earlier one; returns the token, which is not stored.
    public string NewScimToken(DateTime now)
    {
        var token = ScimTokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        ScimTokenHash = HashScimToken(token);
        ScimTokenCreatedAt = now;
        return token;
    }

    // The token is 256 random bits, so a plain SHA-256 is enough; no password stretching needed.
    public bool ScimTokenMatches(string token) => ScimTokenHash is { } hash
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashScimToken(token)), Encoding.ASCII.GetBytes(hash));

    private static string HashScimToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

/// What a staff Admin sets on a provider, checked.
public sealed record ProviderSettings(string Name, string DiscoveryUrl, string ClientId, IReadOnlyList<string> Scopes, IReadOnlyList<string> Domains,
    IReadOnlyList<Guid> AccountIds, Guid DefaultRoleId, IReadOnlyDictionary<string, Guid> GroupRoles, bool Required, bool Enabled);

/// An email domain (lower case) and the one provider that serves it.
public sealed class SingleSignOnDomain(Guid providerId, string domain)
{
    public Guid ProviderId { get; private set; } = providerId;
    public string Domain { get; private set; } = domain;
}

/// An account whose membership people signing in through the provider get.
public sealed class SingleSignOnAccount(Guid providerId, Guid accountId)
{
    public Guid ProviderId { get; private set; } = providerId;
    public Guid AccountId { get; private set; } = accountId;
}

/// A group the provider names in its "groups" claim, and the role it gives.
public sealed class SingleSignOnGroupRole(Guid providerId, string group, Guid roleId)
{
    public Guid ProviderId { get; private set; } = providerId;
    public string Group { get; private set; } = group;
    public Guid RoleId { get; private set; } = roleId;
}

public static class SingleSignOnLimits
{
    public const int Name = 100;
    public const int Url = 500;
    public const int ClientId = 200;
    public const int ClientSecret = 500;
    public const int Scopes = 300;
    public const int Domain = 253;
    public const int Group = 200;
}

internal sealed class SingleSignOnProviderConfiguration : IEntityTypeConfiguration<SingleSignOnProvider>
{
    public void Configure(EntityTypeBuilder<SingleSignOnProvider> b)
    {
        b.Property(p => p.Name).HasMaxLength(SingleSignOnLimits.Name);
        b.Property(p => p.DiscoveryUrl).HasMaxLength(SingleSignOnLimits.Url);
        b.Property(p => p.ClientId).HasMaxLength(SingleSignOnLimits.ClientId);
        b.Property(p => p.ProtectedClientSecret).HasMaxLength(4000);
        b.Property(p => p.Scopes).HasMaxLength(SingleSignOnLimits.Scopes);
        b.Property(p => p.ScimTokenHash).HasMaxLength(64);
        b.HasOne<Role>().WithMany().HasForeignKey(p => p.DefaultRoleId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Domains).WithOne().HasForeignKey(d => d.ProviderId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Accounts).WithOne().HasForeignKey(a => a.ProviderId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.GroupRoles).WithOne().HasForeignKey(g => g.ProviderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SingleSignOnDomainConfiguration : IEntityTypeConfiguration<SingleSignOnDomain>
{
    public void Configure(EntityTypeBuilder<SingleSignOnDomain> b)
    {
        // One provider per domain, so finding the provider for an email is never a choice.
        b.HasKey(d => d.Domain);
        b.Property(d => d.Domain).HasMaxLength(SingleSignOnLimits.Domain);
        b.HasIndex(d => d.ProviderId);
    }
}

internal sealed class SingleSignOnAccountConfiguration : IEntityTypeConfiguration<SingleSignOnAccount>
{
    public void Configure(EntityTypeBuilder<SingleSignOnAccount> b)
    {
        b.HasKey(a => new { a.ProviderId, a.AccountId });
        b.HasIndex(a => a.AccountId);
        b.HasOne<Account>().WithMany().HasForeignKey(a => a.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SingleSignOnGroupRoleConfiguration : IEntityTypeConfiguration<SingleSignOnGroupRole>
{
    public void Configure(EntityTypeBuilder<SingleSignOnGroupRole> b)
    {
        b.HasKey(g => new { g.ProviderId, g.Group });
        b.Property(g => g.Group).HasMaxLength(SingleSignOnLimits.Group);
        b.HasOne<Role>().WithMany().HasForeignKey(g => g.RoleId).OnDelete(DeleteBehavior.Restrict);
    }
}
