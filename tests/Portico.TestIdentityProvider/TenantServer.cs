using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Portico.TestIdentityProvider;

/// One tenant: an OpenIddict server with discovery, JWKS, and the authorization code flow with PKCE.
/// There is no login screen: the authorization request names the person to sign in (test_email, test_name,
/// test_email_verified ("absent" leaves it out), test_xms_edov, test_groups, test_amr, test_sub), and test_tamper asks for a broken ID token
/// (issuer, key, expired, audience or nonce, with test_tamper_value where the break needs a value).
/// Clients are accepted by any id whose secret is "secret-" followed by the id.
public static class TenantServer
{
    private const string TamperClaim = "test_tamper";
    private const string TamperValueClaim = "test_tamper_value";
    private const string TamperItem = "tamper";

    public static WebApplication Build(string tenant)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var signingKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = $"{tenant}-{Guid.NewGuid():N}" };

        builder.Services.AddOpenIddict().AddServer(o =>
        {
            o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            o.AddSigningKey(signingKey);
            o.AddEphemeralEncryptionKey();
            o.DisableAccessTokenEncryption();
            // No client or token store: clients are checked by the handlers below, codes are self-contained.
            o.EnableDegradedMode();
            o.RegisterScopes(Scopes.OpenId, Scopes.Email, Scopes.Profile, "groups");
            o.UseAspNetCore()
                .EnableAuthorizationEndpointPassthrough()
                .EnableTokenEndpointPassthrough()
                .DisableTransportSecurityRequirement();
            o.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (!Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var redirect) || !redirect.IsLoopback)
                {
                    context.Reject(Errors.InvalidRequest, "Only loopback redirect addresses are accepted.");
                }
                return default;
            }));
            o.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (string.IsNullOrEmpty(context.ClientId) || context.ClientSecret != "secret-" + context.ClientId)
                {
                    context.Reject(Errors.InvalidClient, "The client secret is wrong.");
                }
                return default;
            }));
            o.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(b => b.UseInlineHandler(context =>
            {
                if (context.Transaction.GetHttpRequest()?.HttpContext.Items[TamperItem] is (string mode, string value)
                    && context.Response.IdToken is { } idToken)
                {
                    context.Response.IdToken = Tamper(idToken, mode, value, signingKey);
                }
                return default;
            }).SetOrder(int.MinValue));
        });

        var app = builder.Build();
        app.MapMethods("connect/authorize", ["GET", "POST"], (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an authorization request.");
            string? Param(string name) => (string?)request.GetParameter("test_" + name);
            var email = Param("email") ?? $"person@{tenant}.example";
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, Param("sub") ?? email));
            identity.AddClaim(new Claim(Claims.Email, email));
            identity.AddClaim(new Claim(Claims.Name, Param("name") ?? email));
            if (Param("email_verified") is not "absent")
            {
                identity.AddClaim(new Claim(Claims.EmailVerified, Param("email_verified") ?? "true", ClaimValueTypes.Boolean));
            }
            if (Param("xms_edov") is { } domainOwnerVerified)
            {
                identity.AddClaim(new Claim("xms_edov", domainOwnerVerified, ClaimValueTypes.Boolean));
            }
            foreach (var group in Split(Param("groups")))
            {
                identity.AddClaim(new Claim("groups", group));
            }
            foreach (var method in Split(Param("amr") ?? "pwd"))
            {
                identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, method));
            }
            identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
            if (Param("tamper") is { } tamper)
            {
                // Kept in the authorization code only (no destination), read back at the token endpoint.
                identity.AddClaim(new Claim(TamperClaim, tamper));
                identity.AddClaim(new Claim(TamperValueClaim, Param("tamper_value") ?? ""));
            }
            var principal = new ClaimsPrincipal(identity);
            principal.SetScopes(request.GetScopes());
            return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        app.MapPost("connect/token", async (HttpContext http) =>
        {
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var principal = result.Principal ?? throw new InvalidOperationException("The code did not authenticate.");
            if (principal.GetClaim(TamperClaim) is { } mode)
            {
                http.Items[TamperItem] = (mode, principal.GetClaim(TamperValueClaim) ?? "");
            }
            return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        return app;
    }

    private static string[] Split(string? value) => value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// The ID token the server issued, with one thing changed and signed again (by another key for "key").
    private static string Tamper(string idToken, string mode, string value, RsaSecurityKey signingKey)
    {
        var payload = JsonNode.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(idToken.Split('.')[1])))!.AsObject();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var key = signingKey;
        switch (mode)
        {
            case "issuer":
                payload["iss"] = value.Length > 0 ? value : "http://127.0.0.1:9/somewhere-else/";
                break;
            case "expired":
                payload["iat"] = now - 3600;
                payload["nbf"] = now - 3600;
                payload["exp"] = now - 1800;
                break;
            case "audience":
                payload["aud"] = value;
                break;
            case "nonce":
                payload["nonce"] = value;
                break;
            case "key":
                // Same key id, different key: what a forger without the provider's key would send.
                key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = signingKey.KeyId };
                break;
            default:
                throw new InvalidOperationException($"Unknown tamper mode {mode}.");
        }
        return new JsonWebTokenHandler().CreateToken(payload.ToJsonString(), new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
    }
}
