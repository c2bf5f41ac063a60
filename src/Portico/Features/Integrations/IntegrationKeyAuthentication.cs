using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;

namespace Portico.Features.Integrations;

/// Authenticates systems of record by "Authorization: Bearer portico_…" keys. Only the key's
/// hash is stored; revoked keys and unknown keys get the same 401.
public sealed class IntegrationKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    PorticoDb db, TimeProvider clock) : BearerAuthentication(options, logger, encoder)
{
    public const string SchemeName = "IntegrationKey";
    public const string IntegrationClaim = "portico:integration";

    protected override async Task<AuthenticateResult> AuthenticateAsync(string token)
    {
        if (IntegrationKey.Parse(token) is not var (keyId, secret))
        {
            return AuthenticateResult.Fail("Malformed key.");
        }
        var key = await db.IntegrationKeys.SingleOrDefaultAsync(k => k.KeyId == keyId, Context.RequestAborted);
        if (key is null || key.RevokedAt is not null || !key.Matches(secret))
        {
            return AuthenticateResult.Fail("Unknown or revoked key.");
        }
        var integration = await db.Integrations.AsNoTracking().SingleAsync(i => i.Id == key.IntegrationId, Context.RequestAborted);
        var now = clock.GetUtcNow().UtcDateTime;
        // "Last used" to the minute is enough and keeps busy integrations from writing on every call.
        if (key.LastUsedAt is not { } last || now - last > TimeSpan.FromMinutes(1))
        {
            key.Used(now);
            await db.SaveChangesAsync(Context.RequestAborted);
        }
        return Caller(new Claim(IntegrationClaim, integration.Id.ToString()), new Claim(ClaimTypes.Name, "integration:" + integration.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"portico-integrations\"";
        return Task.CompletedTask;
    }
}
