namespace Portico.Features.SingleSignOn;

/// A person a provider provisions through SCIM, and whether it has them active. Kept after a deactivation, so the provider
/// still sees the person (and can make them active again) once their memberships in its accounts are gone.
public sealed class ScimPerson
{
    public Guid ProviderId { get; private set; }
    public Guid UserId { get; private set; }
    public bool Active { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    private ScimPerson() { }

    public ScimPerson(Guid providerId, Guid userId, bool active, DateTime now)
    {
        ProviderId = providerId;
        UserId = userId;
        Active = active;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public void SetActive(bool active, DateTime now)
    {
        Active = active;
        UpdatedAt = now;
    }
}

internal sealed class ScimPersonConfiguration : IEntityTypeConfiguration<ScimPerson>
{
    public void Configure(EntityTypeBuilder<ScimPerson> b)
    {
        b.HasKey(p => new { p.ProviderId, p.UserId });
        b.HasIndex(p => p.UserId);
        b.HasOne<SingleSignOnProvider>().WithMany().HasForeignKey(p => p.ProviderId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<PorticoUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
