namespace Portico.Features.Contacts;

/// An invitation to join an account, sent by email. The link carries a random token; only its
/// hash is stored. Single use, and it expires.
public sealed class Invitation : IAccountOwned
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    public string Email { get; private set; } = "";
    public string NormalizedEmail { get; private set; } = "";
    public Guid RoleId { get; private set; }
    /// When the membership it grants ends, for contractors and auditors.
    public DateTime? AccessUntil { get; private set; }
    public string TokenHash { get; private set; } = "";
    public string InvitedByName { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? AcceptedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    private Invitation() { }

    public static (Invitation Invitation, string Token) Create(Guid accountId, string email, Guid roleId, DateTime? accessUntil, string invitedBy, DateTime now)
    {
        var token = LinkToken.New();
        return (new Invitation
        {
            AccountId = accountId,
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            RoleId = roleId,
            AccessUntil = accessUntil,
            TokenHash = Hash(token),
            InvitedByName = invitedBy,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        }, token);
    }

    public static string Hash(string token) => LinkToken.Hash(token);

    /// Why the link cannot be used any more, or null while it can.
    public string? Unusable(DateTime now) =>
        AcceptedAt is not null ? "This invitation was already used. Sign in instead."
        : RevokedAt is not null ? "This invitation was withdrawn. Ask the person who invited you for a new one."
        : now > ExpiresAt ? "This invitation has expired. Ask the person who invited you for a new one."
        : null;

    public void Accept(DateTime now) => AcceptedAt = now;

    /// A new link, valid for a new lifetime from now; the old link stops working. Returns the new link's token.
    public string Renew(DateTime now)
    {
        var token = LinkToken.New();
        TokenHash = Hash(token);
        ExpiresAt = now + Lifetime;
        return token;
    }

    public void Revoke(DateTime now) => RevokedAt ??= now;
}

internal sealed class InvitationConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<Invitation>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<Invitation> b)
    {
        b.HasIndex(i => i.TokenHash).IsUnique();
        b.HasIndex(i => new { i.AccountId, i.NormalizedEmail });
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(i => i.AccountId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Cascade);
        b.HasOne<Accounts.Role>().WithMany().HasForeignKey(i => i.RoleId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Restrict);
        b.Property(i => i.Email).HasMaxLength(256);
        b.Property(i => i.NormalizedEmail).HasMaxLength(256);
        b.Property(i => i.TokenHash).HasMaxLength(64);
        b.Property(i => i.InvitedByName).HasMaxLength(200);
        // Single use: of two acceptances (or an acceptance and a withdrawal) at once, the second save finds it changed.
        b.Property(i => i.AcceptedAt).IsConcurrencyToken();
        b.Property(i => i.RevokedAt).IsConcurrencyToken();
    }
}
