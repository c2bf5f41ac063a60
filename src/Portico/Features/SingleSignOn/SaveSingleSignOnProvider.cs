using System.Net;
using Microsoft.AspNetCore.DataProtection;

namespace Portico.Features.SingleSignOn;

/// What a staff Admin types into the provider form, unchecked.
public sealed class ProviderForm
{
    public string? Name { get; set; }
    public string? DiscoveryUrl { get; set; }
    public string? ClientId { get; set; }
    /// Blank on a change keeps the stored secret.
    public string? ClientSecret { get; set; }
    public string? Scopes { get; set; } = "openid profile email";
    /// Domains separated by commas, spaces or lines.
    public string? Domains { get; set; }
    /// Account ids, one a line.
    public string? Accounts { get; set; }
    public string? DefaultRole { get; set; } = Features.Accounts.BuiltInRoles.Requester;
    /// Lines of "group = Role".
    public string? GroupRoles { get; set; }
    public bool Required { get; set; }
    public bool Enabled { get; set; } = true;
}

/// Adds or changes a provider after checking every field before anything connects to it; audited, never with the secret.
public sealed class SaveSingleSignOnProvider(PorticoDb db, AuditLog audit, IDataProtectionProvider protection, TimeProvider clock,
    IStringLocalizer<SaveSingleSignOnProvider> text)
{
    public const string SecretPurpose = "Portico.SingleSignOn.ClientSecret";

    public async Task<Outcome<SingleSignOnProvider>> RunAsync(Guid? id, ProviderForm form, CancellationToken ct)
    {
        var provider = id is { } existing
            ? await db.SingleSignOnProviders.Include(p => p.Domains).Include(p => p.Accounts).Include(p => p.GroupRoles).SingleOrDefaultAsync(p => p.Id == existing, ct)
            : null;
        if (id is not null && provider is null)
        {
            return Outcome.NotFound;
        }
        var errors = new Dictionary<string, string>();
        var name = form.Name?.Trim() ?? "";
        if (name.Length is 0 or > SingleSignOnLimits.Name)
        {
            errors[nameof(form.Name)] = text["Give the provider a name of 1 to {0} characters.", SingleSignOnLimits.Name];
        }
        var discovery = form.DiscoveryUrl?.Trim() ?? "";
        if (DiscoveryUrlProblem(discovery) is { } urlProblem)
        {
            errors[nameof(form.DiscoveryUrl)] = text[urlProblem];
        }
        var clientId = form.ClientId?.Trim() ?? "";
        if (clientId.Length is 0 or > SingleSignOnLimits.ClientId)
        {
            errors[nameof(form.ClientId)] = text["Enter the client id the provider gave the portal (at most {0} characters).", SingleSignOnLimits.ClientId];
        }
        var secret = form.ClientSecret?.Trim() ?? "";
        if (secret.Length > SingleSignOnLimits.ClientSecret || (provider is null && secret.Length == 0))
        {
            errors[nameof(form.ClientSecret)] = text["Enter the client secret the provider gave the portal (at most {0} characters).", SingleSignOnLimits.ClientSecret];
        }
        var scopes = Split(form.Scopes).Distinct(StringComparer.Ordinal).ToList();
        if (!scopes.Contains("openid") || string.Join(' ', scopes).Length > SingleSignOnLimits.Scopes || scopes.Any(s => s.Any(c => c is '"' or '\\' || c > '~')))
        {
            errors[nameof(form.Scopes)] = text["Scopes are separated by spaces, include openid, and take at most {0} characters.", SingleSignOnLimits.Scopes];
        }
        var domains = Split(form.Domains).Select(d => d.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var badDomain = domains.FirstOrDefault(d => !IsDomain(d));
        if (domains.Count == 0)
        {
            errors[nameof(form.Domains)] = text["Name at least one email domain the provider serves, such as example.com."];
        }
        else if (badDomain is not null)
        {
            errors[nameof(form.Domains)] = text["{0} is not an email domain such as example.com.", badDomain];
        }
        else
        {
            var taken = await db.SingleSignOnDomains.Where(d => domains.Contains(d.Domain) && d.ProviderId != (id ?? Guid.Empty))
                .Join(db.SingleSignOnProviders, d => d.ProviderId, p => p.Id, (d, p) => new { d.Domain, p.Name }).FirstOrDefaultAsync(ct);
            if (taken is not null)
            {
                errors[nameof(form.Domains)] = text["{0} is already served by {1}; a domain has one provider.", taken.Domain, taken.Name];
            }
        }
        var accountIds = new List<Guid>();
        foreach (var line in Split(form.Accounts))
        {
            if (!Guid.TryParse(line, out var accountId))
            {
                errors[nameof(form.Accounts)] = text["{0} is not an account id; copy it from the account's staff page address.", line];
                break;
            }
            accountIds.Add(accountId);
        }
        accountIds = accountIds.Distinct().ToList();
        if (!errors.ContainsKey(nameof(form.Accounts)) && accountIds.Count > 0)
        {
            var found = await db.Accounts.IgnoreQueryFilters().CountAsync(a => accountIds.Contains(a.Id), ct);
            if (found != accountIds.Count)
            {
                errors[nameof(form.Accounts)] = text["One of the account ids names no account."];
            }
        }
        var roles = await db.Roles.ToDictionaryAsync(r => r.Name, r => r.Id, StringComparer.OrdinalIgnoreCase, ct);
        var defaultRole = roles.GetValueOrDefault(form.DefaultRole?.Trim() ?? "");
        if (defaultRole == Guid.Empty)
        {
            errors[nameof(form.DefaultRole)] = text["Choose a role that exists."];
        }
        var groupRoles = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var line in (form.GroupRoles ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length is 0 or > SingleSignOnLimits.Group || !roles.TryGetValue(parts[1], out var roleId))
            {
                errors[nameof(form.GroupRoles)] = text["\"{0}\" is not \"group = Role\" with a role that exists.", line];
                break;
            }
            groupRoles[parts[0]] = roleId;
        }
        if (errors.Count > 0)
        {
            return Outcome.Refused(text["The provider was not saved: correct the fields marked."], errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var created = provider is null;
        provider ??= db.SingleSignOnProviders.Add(new SingleSignOnProvider(now)).Entity;
        var settings = new ProviderSettings(name, discovery, clientId, scopes, domains, accountIds, defaultRole, groupRoles, form.Required, form.Enabled);
        provider.Change(settings, secret.Length > 0 ? protection.CreateProtector(SecretPurpose).Protect(secret) : null, now);
        audit.Record(created ? AuditActions.SingleSignOnProviderCreated : AuditActions.SingleSignOnProviderChanged, targetType: "SingleSignOnProvider",
            targetId: provider.Id.ToString(), details: new
            {
                name, discoveryUrl = discovery, clientId, scopes = provider.Scopes, domains, accounts = accountIds, defaultRole = form.DefaultRole?.Trim(),
                groupRoles = groupRoles.Keys, required = form.Required, enabled = form.Enabled, secretChanged = secret.Length > 0,
            });
        await db.SaveChangesAsync(ct);
        return provider;
    }

    /// https anywhere; plain http only to this machine (a provider under test), told by the address alone, before any connection.
    /// The answer is in English, the key of its translation.
    public static string? DiscoveryUrlProblem(string url)
    {
        if (url.Length is 0 or > SingleSignOnLimits.Url || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return "Enter the provider's discovery address, such as https://login.example.com/.well-known/openid-configuration.";
        }
        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }
        var loopback = uri.Host == "localhost" || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        return uri.Scheme == Uri.UriSchemeHttp && loopback ? null : "The discovery address must use https (plain http only for a provider on this machine).";
    }

    private static bool IsDomain(string domain) =>
        domain.Length <= SingleSignOnLimits.Domain && domain.Contains('.', StringComparison.Ordinal) && Uri.CheckHostName(domain) == UriHostNameType.Dns
        && domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');

    private static string[] Split(string? text) =>
        (text ?? "").Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
