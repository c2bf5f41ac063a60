using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;

namespace Portico.Infrastructure.Web;

/// A machine caller that sends "Authorization: Bearer …". A request without such a header gets no result rather than a
/// failure, so the route's other schemes (a signed-in person's cookie) still apply.
public abstract class BearerAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected sealed override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? AuthenticateAsync(header["Bearer ".Length..].Trim())
            : Task.FromResult(AuthenticateResult.NoResult());
    }

    /// Who the token names, from <see cref="Caller"/>, or a failure that says why it names no one.
    protected abstract Task<AuthenticateResult> AuthenticateAsync(string token);

    protected AuthenticateResult Caller(params Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));
}
