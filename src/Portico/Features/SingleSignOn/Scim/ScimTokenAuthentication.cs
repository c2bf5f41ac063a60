using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;

namespace Portico.Features.SingleSignOn;

/// Authenticates an identity provider's SCIM client by "Authorization: Bearer portico_scim_…" against the token of the
/// provider the address names. Another provider's token, an unknown token or none all get the same 401.
public sealed class ScimTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PorticoDb db)
    : BearerAuthentication(options, logger, encoder)
{
    public const string SchemeName = "ScimToken";
    public const string ProviderClaim = "portico:scim-provider";

    protected override async Task<AuthenticateResult> AuthenticateAsync(string token)
    {
        if (!token.StartsWith(SingleSignOnProvider.ScimTokenPrefix, StringComparison.Ordinal)
            || !Guid.TryParse(Request.RouteValues["providerId"] as string, out var providerId))
        {
            return AuthenticateResult.Fail("Malformed token or address.");
        }
        var provider = await db.SingleSignOnProviders.AsNoTracking().SingleOrDefaultAsync(p => p.Id == providerId, Context.RequestAborted);
        if (provider is null || !provider.ScimTokenMatches(token))
        {
            return AuthenticateResult.Fail("Unknown token for this provider.");
        }
        return Caller(new Claim(ProviderClaim, provider.Id.ToString()), new Claim(ClaimTypes.Name, "scim:" + provider.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"portico-scim\"";
        await ScimApi.Error(StatusCodes.Status401Unauthorized, "Send the provider's SCIM token as Authorization: Bearer.").ExecuteAsync(Context);
    }
}
