namespace Portico.Features.Identity;

/// A one-time sign-in link. Only hashes are stored: of the token in the email and of a nonce in
/// a cookie of the browser that asked, so the link works once, briefly, and only in that browser.
public sealed class MagicLinkToken
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid UserId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public string BrowserHash { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? UsedAt { get; private set; }

    private MagicLinkToken() { }

    public MagicLinkToken(Guid userId, string tokenHash, string browserHash, DateTime now)
    {
        UserId = userId;
        TokenHash = tokenHash;
        BrowserHash = browserHash;
        CreatedAt = now;
        ExpiresAt = now + Lifetime;
    }

    public void Use(DateTime now) => UsedAt = now;
}

internal sealed class MagicLinkTokenConfiguration : IEntityTypeConfiguration<MagicLinkToken>
{
    public void Configure(EntityTypeBuilder<MagicLinkToken> b)
    {
        b.HasIndex(t => t.TokenHash).IsUnique();
        // Single use: of two uses at once (a double click), the second save finds it spent.
        b.Property(t => t.UsedAt).IsConcurrencyToken();
        b.HasIndex(t => t.UserId);
        b.HasOne<PorticoUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.Property(t => t.BrowserHash).HasMaxLength(64);
    }
}

public enum MagicLinkOutcome
{
    SignedIn,
    /// The link was good; the person has an authenticator app, so the code step follows.
    RequiresTwoFactor,
    Invalid,
    OtherBrowser,
    SingleSignOnRequired,
}

public sealed class MagicLinks(PorticoDb db, UserManager<PorticoUser> users, PorticoSignInManager signIn, AuditLog audit, EmailOutbox email,
    IOptions<BrandingOptions> branding, Branding.Brands brands, TimeProvider clock, SingleSignOn.SingleSignOnDirectory directory, IdentityEmails text)
{
    public const string BrowserCookie = "portico.magiclink";

    /// Same work and the same answer whether or not the address has an account. False, with nothing sent, when the address's
    /// domain requires single sign-on (told by the domain alone).
    public async Task<bool> RequestAsync(string address, HttpContext http, CancellationToken ct)
    {
        if (await directory.RequiredForAsync(address, ct) is { } provider)
        {
            SignInWithPassword.RecordSingleSignOnRequired(audit, provider, "email_link", SignInWithPassword.Fingerprint(address));
            await db.SaveChangesAsync(ct);
            return false;
        }
        var nonce = RandomToken();
        http.Response.Cookies.Append(BrowserCookie, nonce, new CookieOptions
        {
            HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Lax, MaxAge = MagicLinkToken.Lifetime, IsEssential = true,
        });
        var user = await users.FindByEmailAsync(address);
        var now = clock.GetUtcNow().UtcDateTime;
        var token = RandomToken();
        if (user is not null && !await users.IsLockedOutAsync(user))
        {
            db.Set<MagicLinkToken>().Add(new MagicLinkToken(user.Id, Hash(token), Hash(nonce), now));
            var portal = (await brands.GetAsync(ct)).PortalName;
            email.Queue(user.Email!, user.Language, () => (text["Your sign-in link for {0}", portal], [
                text["Hello {0},", user.DisplayName],
                text["Sign in with this link within {0} minutes, in the same browser where you asked for it:", MagicLinkToken.Lifetime.TotalMinutes.ToString("0", System.Globalization.CultureInfo.CurrentCulture)],
                branding.Value.Link($"/login/link/{token}"),
                text["It works once. If you did not ask for it, ignore this email."]]));
        }
        audit.Record(AuditActions.MagicLinkRequested, targetType: user is null ? null : "User", targetId: user?.Id.ToString(),
            details: new { known = user is not null }, actorUserId: user?.Id, actorName: null);
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<MagicLinkOutcome> UseAsync(string token, HttpContext http, CancellationToken ct)
    {
        var hash = Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        var link = await db.Set<MagicLinkToken>().SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (link is null || link.UsedAt is not null || now > link.ExpiresAt)
        {
            audit.Record(AuditActions.MagicLinkRefused, targetType: link is null ? null : "User", targetId: link?.UserId.ToString(),
                details: new { reason = link is null ? "unknown" : link.UsedAt is not null ? "used" : "expired" }, actorName: null);
            await db.SaveChangesAsync(ct);
            return MagicLinkOutcome.Invalid;
        }
        var nonce = http.Request.Cookies[BrowserCookie];
        if (nonce is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(nonce)), Encoding.ASCII.GetBytes(link.BrowserHash)))
        {
            audit.Record(AuditActions.MagicLinkRefused, targetType: "User", targetId: link.UserId.ToString(), details: new { reason = "other_browser" }, actorName: null);
            await db.SaveChangesAsync(ct);
            return MagicLinkOutcome.OtherBrowser;
        }
        var user = await users.FindByIdAsync(link.UserId.ToString());
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return MagicLinkOutcome.Invalid;
        }
        // A link asked for before the person's domain came to require single sign-on.
        if (await directory.RequiredForAsync(user.Email, ct) is { } provider)
        {
            SignInWithPassword.RecordSingleSignOnRequired(audit, provider, "email_link", user.Id.ToString());
            await db.SaveChangesAsync(ct);
            return MagicLinkOutcome.SingleSignOnRequired;
        }
        link.Use(now);
        audit.Record(AuditActions.MagicLinkUsed, targetType: "User", targetId: user.Id.ToString(), actorUserId: user.Id, actorName: user.Email);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return MagicLinkOutcome.Invalid;
        }
        http.Response.Cookies.Delete(BrowserCookie);
        // The link is spent either way; with an authenticator app turned on it only gets the person to the code step.
        var result = await signIn.EmailLinkSignInAsync(user);
        return result.Succeeded ? MagicLinkOutcome.SignedIn
            : result.RequiresTwoFactor ? MagicLinkOutcome.RequiresTwoFactor
            : MagicLinkOutcome.Invalid;
    }

    private static string RandomToken() => LinkToken.New();

    private static string Hash(string value) => LinkToken.Hash(value);
}
