namespace Portico.Features.Staff;

/// A single-use link that lets a staff Admin in without anyone to invite them: without a person it creates
/// the installation's first Admin (printed at start-up on a database with none); with a person it lets an
/// Admin created by the `admin create` command choose a password. Only the token's hash is stored.
public sealed class SetupLink
{
    /// The first-Admin link: it is printed where the operator starts the app, so it need not live long.
    public static readonly TimeSpan FirstAdminLifetime = TimeSpan.FromHours(1);

    /// The command's link may be handed to the new Admin, who may not be at their desk within the hour.
    public static readonly TimeSpan SetPasswordLifetime = TimeSpan.FromHours(24);

    public Guid Id { get; private set; } = Guid.NewGuid();
    /// Null for the first-Admin link; otherwise the Admin who sets their password with it.
    public Guid? UserId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? UsedAt { get; private set; }

    private SetupLink() { }

    public static (SetupLink Link, string Token) ForFirstAdmin(DateTime now) => Create(null, FirstAdminLifetime, now);

    public static (SetupLink Link, string Token) ForPassword(Guid userId, DateTime now) => Create(userId, SetPasswordLifetime, now);

    private static (SetupLink, string) Create(Guid? userId, TimeSpan lifetime, DateTime now)
    {
        var token = LinkToken.New();
        return (new SetupLink { UserId = userId, TokenHash = LinkToken.Hash(token), CreatedAt = now, ExpiresAt = now + lifetime }, token);
    }

    public static string Path(string token) => "/setup/" + token;
}

internal sealed class SetupLinkConfiguration : IEntityTypeConfiguration<SetupLink>
{
    public void Configure(EntityTypeBuilder<SetupLink> b)
    {
        b.HasIndex(l => l.TokenHash).IsUnique();
        b.HasIndex(l => l.UserId);
        b.HasOne<PorticoUser>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(l => l.TokenHash).HasMaxLength(64);
    }
}
