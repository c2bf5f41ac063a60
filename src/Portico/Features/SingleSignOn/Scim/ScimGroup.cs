namespace Portico.Features.SingleSignOn;

/// A group a provider pushes through SCIM. Its display name is matched against the provider's group-to-role mapping: its
/// members get that role in the provider's accounts. A group no mapping names is kept (providers push every group they are
/// assigned) and gives no role.
public sealed class ScimGroup
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid ProviderId { get; private set; }
    public string DisplayName { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public List<ScimGroupMember> Members { get; private set; } = [];

    private ScimGroup() { }

    public ScimGroup(Guid providerId, string displayName, DateTime now)
    {
        ProviderId = providerId;
        DisplayName = displayName;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public void Rename(string displayName, DateTime now)
    {
        DisplayName = displayName;
        UpdatedAt = now;
    }

    public void Touch(DateTime now) => UpdatedAt = now;
}

public sealed class ScimGroupMember(Guid groupId, Guid userId)
{
    public Guid GroupId { get; private set; } = groupId;
    public Guid UserId { get; private set; } = userId;
}

internal sealed class ScimGroupConfiguration : IEntityTypeConfiguration<ScimGroup>
{
    public void Configure(EntityTypeBuilder<ScimGroup> b)
    {
        b.Property(g => g.DisplayName).HasMaxLength(SingleSignOnLimits.Group);
        // The display name is what the role mapping matches, so one group of a name per provider.
        b.HasIndex(g => new { g.ProviderId, g.DisplayName }).IsUnique();
        b.HasOne<SingleSignOnProvider>().WithMany().HasForeignKey(g => g.ProviderId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(g => g.Members).WithOne().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScimGroupMemberConfiguration : IEntityTypeConfiguration<ScimGroupMember>
{
    public void Configure(EntityTypeBuilder<ScimGroupMember> b)
    {
        b.HasKey(m => new { m.GroupId, m.UserId });
        b.HasIndex(m => m.UserId);
        b.HasOne<PorticoUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
