using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Memory;

namespace Portico.Features.Identity;

/// One signed-in browser. The cookie holds only this row's key; the ticket lives here,
/// encrypted, so people can see their sessions and end any of them at once.
public sealed class UserSession
{
    public string Id { get; private set; } = "";
    public Guid UserId { get; private set; }
    public byte[] Ticket { get; private set; } = [];
    public DateTime CreatedAt { get; private set; }
    public DateTime LastSeenAt { get; private set; }
    public DateTime? ExpiresAt { get; private set; }
    public string? IpAddress { get; private set; }
    public string? UserAgent { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    private UserSession() { }

    public UserSession(string id, Guid userId, byte[] ticket, DateTime now, DateTime? expiresAt, string? ip, string? userAgent)
    {
        Id = id;
        UserId = userId;
        Ticket = ticket;
        CreatedAt = now;
        LastSeenAt = now;
        ExpiresAt = expiresAt;
        IpAddress = ip;
        UserAgent = userAgent is { Length: > 300 } ? userAgent[..300] : userAgent;
    }

    public void Renew(byte[] ticket, DateTime? expiresAt, DateTime now)
    {
        Ticket = ticket;
        ExpiresAt = expiresAt;
        LastSeenAt = now;
    }

    public void Seen(DateTime now) => LastSeenAt = now;

    public void Revoke(DateTime now) => RevokedAt ??= now;

    public bool IsActive(DateTime now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.Property(s => s.Id).HasMaxLength(64);
        b.HasIndex(s => new { s.UserId, s.RevokedAt });
        b.HasOne<PorticoUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.IpAddress).HasMaxLength(64);
        b.Property(s => s.UserAgent).HasMaxLength(300);
    }
}

/// Keeps authentication tickets in the database instead of the cookie.
public sealed class DatabaseTicketStore(IServiceScopeFactory scopes, IDataProtectionProvider protection, IHttpContextAccessor http, TimeProvider clock,
    IMemoryCache cache, Microsoft.Extensions.Options.IOptions<SecurityOptions> security, SessionEndings endings) : ITicketStore
{
    public const string SessionIdClaim = "portico:session";
    private static readonly TimeSpan SeenResolution = TimeSpan.FromMinutes(1);

    /// How long this node trusts a session it has read without asking the database again. Ending
    /// a session on this node forgets it at once; another node notices within this time, or on PostgreSQL
    /// within milliseconds when told through <see cref="SessionEndings"/>.
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(20);

    private sealed record Cached(AuthenticationTicket Ticket, DateTime? ExpiresAt);

    internal static string CacheKey(string key) => "session:" + key;

    /// Drops an ended session here and tells the other nodes to drop it too.
    public void Forget(string key)
    {
        cache.Remove(CacheKey(key));
        endings.Announce([key]);
    }

    /// Revokes the given sessions; the caller saves with its audit entry and then calls <see cref="Forget(IEnumerable{UserSession})"/>.
    public void End(IEnumerable<UserSession> sessions)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var session in sessions)
        {
            session.Revoke(now);
        }
    }

    /// Drops the cached tickets of ended sessions. Called after the revocation is committed: dropped earlier,
    /// a request in between would read the still-valid row and cache it again for the cache's lifetime.
    public void Forget(IEnumerable<UserSession> sessions)
    {
        var ids = sessions.Select(s => s.Id).ToList();
        foreach (var id in ids)
        {
            cache.Remove(CacheKey(id));
        }
        endings.Announce(ids);
    }

    private IDataProtector Protector => protection.CreateProtector("Portico.Sessions");

    // Sign-in may run inside the request's own transaction (password sign-in does), and SQLite
    // allows one writer; so the request's context is used whenever there is a request.
    private async Task<T> WithDbAsync<T>(Func<PorticoDb, Task<T>> work)
    {
        if (http.HttpContext?.RequestServices.GetService<PorticoDb>() is { } requestDb)
        {
            return await work(requestDb);
        }
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        return await work(scope.ServiceProvider.GetRequiredService<PorticoDb>());
    }

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var userId = Guid.Parse(ticket.Principal.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value);
        var context = http.HttpContext;
        var now = clock.GetUtcNow().UtcDateTime;
        Tag(ticket, id);
        LimitToAbsolute(ticket, now);
        await WithDbAsync(async db =>
        {
            db.UserSessions.Add(new UserSession(id, userId, Protect(ticket), now, ticket.Properties.ExpiresUtc?.UtcDateTime,
                context?.Connection.RemoteIpAddress?.ToString(), context?.Request.Headers.UserAgent.ToString()));
            return await db.SaveChangesAsync();
        });
        return id;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => WithDbAsync(async db =>
    {
        var session = await db.UserSessions.SingleOrDefaultAsync(s => s.Id == key);
        if (session is null || session.RevokedAt is not null)
        {
            return 0;
        }
        // A refreshed sign-in builds a new principal; it keeps pointing at this session.
        Tag(ticket, key);
        // Sliding renews the idle timeout, never past the absolute end counted from sign-in.
        LimitToAbsolute(ticket, session.CreatedAt);
        cache.Remove(CacheKey(key));
        session.Renew(Protect(ticket), ticket.Properties.ExpiresUtc?.UtcDateTime, clock.GetUtcNow().UtcDateTime);
        return await db.SaveChangesAsync();
    });

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (cache.TryGetValue(CacheKey(key), out Cached? cached) && cached is not null && (cached.ExpiresAt is null || cached.ExpiresAt > now))
        {
            // The cookie handler may change a ticket's properties, so each request gets its own copy.
            return cached.Ticket.Clone();
        }
        return await WithDbAsync(async db =>
        {
            var session = await db.UserSessions.SingleOrDefaultAsync(s => s.Id == key);
            // The sign-in time counts even for sessions made before the absolute limit was lowered.
            if (session is null || !session.IsActive(now) || now >= session.CreatedAt + security.Value.AbsoluteTimeout)
            {
                return null;
            }
            if (now - session.LastSeenAt > SeenResolution)
            {
                session.Seen(now);
                await db.SaveChangesAsync();
            }
            var ticket = TicketSerializer.Default.Deserialize(Protector.Unprotect(session.Ticket));
            if (ticket is not null)
            {
                var end = session.CreatedAt + security.Value.AbsoluteTimeout;
                cache.Set(CacheKey(key), new Cached(ticket.Clone(), session.ExpiresAt is { } expires && expires < end ? expires : end), CacheFor);
            }
            return ticket;
        });
    }

    public async Task RemoveAsync(string key)
    {
        cache.Remove(CacheKey(key));
        await WithDbAsync(async db =>
            await db.UserSessions.Where(s => s.Id == key).ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, clock.GetUtcNow().UtcDateTime)));
        endings.Announce([key]);
    }

    private void LimitToAbsolute(AuthenticationTicket ticket, DateTime signedInAt)
    {
        var end = new DateTimeOffset(DateTime.SpecifyKind(signedInAt, DateTimeKind.Utc) + security.Value.AbsoluteTimeout);
        if (ticket.Properties.ExpiresUtc is null || ticket.Properties.ExpiresUtc > end)
        {
            ticket.Properties.ExpiresUtc = end;
        }
    }

    private static void Tag(AuthenticationTicket ticket, string id)
    {
        if (ticket.Principal.Identity is System.Security.Claims.ClaimsIdentity identity && !identity.HasClaim(c => c.Type == SessionIdClaim))
        {
            identity.AddClaim(new System.Security.Claims.Claim(SessionIdClaim, id));
        }
    }

    private byte[] Protect(AuthenticationTicket ticket) => Protector.Protect(TicketSerializer.Default.Serialize(ticket));
}
