using System.Net;
using System.Net.Sockets;

namespace Portico.Features.Webhooks;

public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Webhooks";

    /// Internal networks receivers may be on (IP addresses or CIDR ranges such as 10.20.0.0/16).
    /// Everything that is not a public address is refused unless it falls in one of these.
    public List<string> AllowedInternalNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in AllowedInternalNetworks.Where(e => ReceiverAddresses.ParseNetwork(e) is null))
        {
            yield return new ValidationResult(
                $"Webhooks:AllowedInternalNetworks: \"{entry}\" is not an IP address or a CIDR range such as 10.20.0.0/16.", [nameof(AllowedInternalNetworks)]);
        }
    }
}

/// Decides which addresses a webhook may be sent to: public addresses only, unless staff configured an internal network,
/// so a receiver address cannot be used to reach the portal's own host, its network or a cloud metadata service.
public static class ReceiverAddresses
{
    private static readonly (IPNetwork Network, string Reason)[] Refused =
    [
        (Net("0.0.0.0/8"), "an unspecified address"),
        (Net("10.0.0.0/8"), "a private address"),
        (Net("100.100.100.200/32"), "a cloud metadata address"),
        (Net("100.64.0.0/10"), "a carrier-grade NAT address"),
        (Net("127.0.0.0/8"), "a loopback address"),
        (Net("169.254.169.254/32"), "a cloud metadata address"),
        (Net("169.254.0.0/16"), "a link-local address"),
        (Net("168.63.129.16/32"), "a cloud metadata address"),
        (Net("172.16.0.0/12"), "a private address"),
        (Net("192.0.0.0/24"), "a reserved address"),
        (Net("192.0.2.0/24"), "a documentation address"),
        (Net("192.168.0.0/16"), "a private address"),
        (Net("198.18.0.0/15"), "a reserved address"),
        (Net("198.51.100.0/24"), "a documentation address"),
        (Net("203.0.113.0/24"), "a documentation address"),
        (Net("224.0.0.0/4"), "a multicast address"),
        (Net("240.0.0.0/4"), "a reserved address"),
        (Net("::/128"), "an unspecified address"),
        (Net("::1/128"), "a loopback address"),
        (Net("::/96"), "a reserved address"),
        (Net("64:ff9b:1::/48"), "a reserved address"),
        (Net("100::/64"), "a reserved address"),
        (Net("2001::/32"), "a tunnelled address"),
        (Net("2001:db8::/32"), "a documentation address"),
        (Net("fd00:ec2::254/128"), "a cloud metadata address"),
        (Net("fc00::/7"), "a unique-local address"),
        (Net("fe80::/10"), "a link-local address"),
        (Net("fec0::/10"), "a site-local address"),
        (Net("ff00::/8"), "a multicast address"),
    ];

    private static readonly IPNetwork Nat64 = Net("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = Net("2002::/16");

    private static IPNetwork Net(string cidr) => IPNetwork.Parse(cidr);

    /// An IP address, taken as a network of one, or a CIDR range; null if it is neither.
    public static IPNetwork? ParseNetwork(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (text.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(text, out var network) ? Normalize(network) : null;
        }
        return IPAddress.TryParse(text, out var address) ? new IPNetwork(Unmap(address), Unmap(address).AddressFamily == AddressFamily.InterNetwork ? 32 : 128) : null;
    }

    private static IPNetwork Normalize(IPNetwork network) =>
        network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96
            ? new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96)
            : network;

    private static IPAddress Unmap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// Why the address may not receive webhooks, or null when it may.
    public static string? Refusal(IPAddress address, IReadOnlyList<IPNetwork> allowed)
    {
        address = Unmap(address);
        if (allowed.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address)))
        {
            return null;
        }
        if (Kind(address) is { } kind)
        {
            return $"{address} is {kind}";
        }
        // Addresses that carry an IPv4 address inside (NAT64, 6to4) reach whatever that address reaches.
        return Embedded(address) is { } inner && Refusal(inner, allowed) is not null ? $"{address} leads to {inner}, {Kind(inner)}" : null;
    }

    private static string? Kind(IPAddress address) =>
        Refused.FirstOrDefault(r => r.Network.BaseAddress.AddressFamily == address.AddressFamily && r.Network.Contains(address)).Reason;

    private static IPAddress? Embedded(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }
        var bytes = address.GetAddressBytes();
        return Nat64.Contains(address) ? new IPAddress(bytes[12..16])
            : SixToFour.Contains(address) ? new IPAddress(bytes[2..6])
            : null;
    }
}

/// Thrown before any connection is made when a receiver's address is refused.
public sealed class ReceiverRefusedException(string reason) : Exception(reason);

/// Checks receiver addresses when staff register them and again for every connection, after the host name is resolved,
/// so a name that later resolves to an internal address (DNS rebinding) is still refused.
public sealed class ReceiverGuard(IOptions<WebhookOptions> options)
{
    private readonly IReadOnlyList<IPNetwork> _allowed = options.Value.AllowedInternalNetworks
        .Select(ReceiverAddresses.ParseNetwork).OfType<IPNetwork>().ToList();

    /// Why webhooks may not go to this host, or null when every address it resolves to is allowed.
    public async Task<string?> RefusalAsync(string host, CancellationToken ct) => (await CheckAsync(host, ct)).Refusal;

    /// The webhook client's only way to open a connection: every address of the host is checked, and only an allowed one is dialled.
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var (addresses, refusal) = await CheckAsync(context.DnsEndPoint.Host, ct);
        if (refusal is not null)
        {
            throw new ReceiverRefusedException(refusal);
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<(IPAddress[] Addresses, string? Refusal)> CheckAsync(string host, CancellationToken ct)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(host, ct);
        }
        catch (SocketException)
        {
            return ([], $"the host name {host} could not be found");
        }
        return (addresses, addresses.Length == 0 ? $"the host name {host} has no address"
            : addresses.Select(a => ReceiverAddresses.Refusal(a, _allowed)).FirstOrDefault(r => r is not null));
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        host = host.Trim('[', ']');
        return IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
    }

    /// The handler behind the "webhooks" client: connections through the guard, no proxy, no redirects (a redirect could point inside).
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = ConnectAsync,
        AllowAutoRedirect = false,
        UseProxy = false,
    };
}
