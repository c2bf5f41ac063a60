using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Portico.Infrastructure.Web;

/// The reverse proxies in front of the portal. Only a request that comes from one of them has its
/// X-Forwarded-For and X-Forwarded-Proto believed; from anywhere else they are ignored, so nobody can pick
/// the address the sign-in limit, sessions and audit see by sending the header themselves.
public sealed class ProxyOptions : IValidatableObject
{
    public const string Section = "Proxy";

    /// Addresses of the proxies, e.g. 10.0.0.5 or ::1.
    public List<string> KnownProxies { get; set; } = [];

    /// Networks the proxies are in, e.g. 10.0.0.0/24.
    public List<string> KnownNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"Proxy:KnownProxies: \"{proxy}\" is not an IP address.", [nameof(KnownProxies)]);
        }
        foreach (var network in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"Proxy:KnownNetworks: \"{network}\" is not a network such as 10.0.0.0/24.", [nameof(KnownNetworks)]);
        }
    }

    /// First in the pipeline, so everything after sees the client's address and scheme. Without a known proxy the
    /// headers are not read at all.
    public static void UseKnownProxies(IApplicationBuilder app, ProxyOptions proxies)
    {
        if (proxies.KnownProxies.Count == 0 && proxies.KnownNetworks.Count == 0)
        {
            return;
        }
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // One proxy: the address it saw is the client's; anything further left was written by the client.
            ForwardLimit = 1,
        };
        // The framework trusts loopback by default; only what is configured is trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }
        foreach (var network in proxies.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
        app.UseForwardedHeaders(options);
    }
}
