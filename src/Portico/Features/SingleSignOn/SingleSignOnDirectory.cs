namespace Portico.Features.SingleSignOn;

public sealed record ProviderForEmail(Guid Id, string Name, bool Required);

/// Home-realm discovery: the enabled provider serving an email's domain. It looks at the domain only, so its answer says
/// nothing about whether anyone with that address has an account.
public sealed class SingleSignOnDirectory(PorticoDb db)
{
    public const string RequiredMessage =
        "Your organisation signs in with single sign-on. Enter your email and choose \"Continue with single sign-on\" on the sign-in page.";

    public async Task<ProviderForEmail?> FindAsync(string? email, CancellationToken ct)
    {
        if (DomainOf(email) is not { } domain)
        {
            return null;
        }
        return await db.SingleSignOnDomains.Where(d => d.Domain == domain)
            .Join(db.SingleSignOnProviders.Where(p => p.Enabled), d => d.ProviderId, p => p.Id, (d, p) => new ProviderForEmail(p.Id, p.Name, p.Required))
            .SingleOrDefaultAsync(ct);
    }

    /// The provider that requires single sign-on of this address, if one does.
    public async Task<ProviderForEmail?> RequiredForAsync(string? email, CancellationToken ct) =>
        await FindAsync(email, ct) is { Required: true } provider ? provider : null;

    public static string? DomainOf(string? email) =>
        email?.Trim() is { } trimmed && trimmed.LastIndexOf('@') is var at and > 0 && at < trimmed.Length - 1 ? trimmed[(at + 1)..].ToLowerInvariant() : null;
}
