using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Portico.Features.SingleSignOn;

/// One authentication scheme per provider ("sso-" and its id), run by the framework's OpenID Connect handler. Schemes are
/// added when first needed (a challenge, or a callback reaching this node) and their options rebuilt whenever the provider's
/// version changed, so a save takes effect at the next sign-in on every node without a restart.
public sealed class SingleSignOnSchemes(IAuthenticationSchemeProvider schemes, IOptionsMonitorCache<OpenIdConnectOptions> optionsCache,
    IDataProtectionProvider protection)
{
    public const string CallbackPrefix = "/signin-sso";
    private const string Prefix = "sso-";
    private readonly ConcurrentDictionary<string, ProviderSnapshot> _providers = new(StringComparer.Ordinal);

    internal sealed record ProviderSnapshot(Guid Id, Guid Version, string Name, string DiscoveryUrl, string ClientId, string ClientSecret, string[] Scopes);

    public static string SchemeOf(Guid providerId) => Prefix + providerId.ToString("N");

    public static Guid? ProviderOf(string scheme) =>
        scheme.StartsWith(Prefix, StringComparison.Ordinal) && Guid.TryParseExact(scheme[Prefix.Length..], "N", out var id) ? id : null;

    public static string CallbackPath(Guid providerId) => $"{CallbackPrefix}/{providerId:N}";

    internal ProviderSnapshot? Snapshot(string scheme) => _providers.GetValueOrDefault(scheme);

    /// The scheme of an enabled provider, ready to challenge or to take its callback; null when the provider is gone or disabled.
    public async Task<string?> PrepareAsync(PorticoDb db, Guid providerId, CancellationToken ct)
    {
        var name = SchemeOf(providerId);
        var provider = await db.SingleSignOnProviders.AsNoTracking().Where(p => p.Id == providerId && p.Enabled)
            .Select(p => new { p.Version, p.Name, p.DiscoveryUrl, p.ClientId, p.ProtectedClientSecret, p.Scopes }).SingleOrDefaultAsync(ct);
        if (provider is null)
        {
            _providers.TryRemove(name, out _);
            schemes.RemoveScheme(name);
            optionsCache.TryRemove(name);
            return null;
        }
        if (!_providers.TryGetValue(name, out var current) || current.Version != provider.Version)
        {
            var secret = protection.CreateProtector(SaveSingleSignOnProvider.SecretPurpose).Unprotect(provider.ProtectedClientSecret);
            _providers[name] = new ProviderSnapshot(providerId, provider.Version, provider.Name, provider.DiscoveryUrl, provider.ClientId, secret,
                provider.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            // Options (and with them the cached discovery document and keys) are built again from the new settings.
            optionsCache.TryRemove(name);
        }
        schemes.TryAddScheme(new AuthenticationScheme(name, provider.Name, typeof(OpenIdConnectHandler)));
        return name;
    }
}

/// The handler's options for one provider: code flow with PKCE, state and nonce; the ID token's signature checked against the
/// keys of the provider's discovery document (fetched again when a token names an unknown key, so rotation just works), its
/// issuer against the document's, its audience against the client id, and its expiry.
internal sealed class ConfigureProviderOptions(SingleSignOnSchemes schemes) : IConfigureNamedOptions<OpenIdConnectOptions>
{
    public void Configure(OpenIdConnectOptions options)
    {
    }

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name is null || schemes.Snapshot(name) is not { } provider)
        {
            return;
        }
        options.MetadataAddress = provider.DiscoveryUrl;
        // Plain http is allowed only for loopback addresses, which the staff form checked.
        options.RequireHttpsMetadata = provider.DiscoveryUrl.StartsWith("https:", StringComparison.Ordinal);
        options.ClientId = provider.ClientId;
        options.ClientSecret = provider.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;
        // The answer comes back as a top-level GET, so the correlation and nonce cookies can be SameSite=Lax.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        foreach (var scope in provider.Scopes)
        {
            options.Scope.Add(scope);
        }
        options.CallbackPath = SingleSignOnSchemes.CallbackPath(provider.Id);
        options.SignInScheme = IdentityConstants.ExternalScheme;
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        options.SaveTokens = false;
        options.UseTokenLifetime = false;
        options.DisableTelemetry = true;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.TokenValidationParameters.NameClaimType = "name";
        options.Events.OnRedirectToIdentityProvider = SingleSignOnEvents.RedirectingAsync;
        options.Events.OnTicketReceived = SingleSignOnEvents.TicketReceivedAsync;
        options.Events.OnRemoteFailure = SingleSignOnEvents.RemoteFailureAsync;
    }
}
