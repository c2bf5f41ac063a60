using System.ComponentModel.DataAnnotations;
using System.Net.Sockets;
using Microsoft.AspNetCore.DataProtection;
using Portico.Infrastructure.Outbox;

namespace Portico.Tests.Webhooks;

/// Which receiver addresses are refused, checked without connecting anywhere: address literals need no lookup,
/// and "localhost" is answered by this machine.
public sealed class ReceiverAddressTests
{
    private static ReceiverGuard Guard(params string[] allowed) => new(Options.Create(new WebhookOptions { AllowedInternalNetworks = [.. allowed] }));

    private static Task<string?> RefusalAsync(ReceiverGuard guard, string url) => guard.RefusalAsync(new Uri(url).IdnHost, CancellationToken.None);

    [Theory]
    [InlineData("http://127.0.0.1/", "loopback")]
    [InlineData("http://127.8.9.10:8080/hooks", "loopback")]
    [InlineData("http://2130706433/", "loopback")]
    [InlineData("http://0x7f.1/", "loopback")]
    [InlineData("http://0x7f000001/", "loopback")]
    [InlineData("http://017700000001/", "loopback")]
    [InlineData("http://127.1/", "loopback")]
    [InlineData("http://１２７.０.０.１/", "loopback")]
    [InlineData("http://[::1]/", "loopback")]
    [InlineData("http://[0:0:0:0:0:0:0:1]/", "loopback")]
    [InlineData("http://[::ffff:127.0.0.1]/", "loopback")]
    [InlineData("http://[::ffff:7f00:1]/", "loopback")]
    [InlineData("http://localhost:9/", "loopback")]
    [InlineData("http://LOCALHOST/", "loopback")]
    [InlineData("http://10.0.0.5/", "private")]
    [InlineData("http://10.255.255.255/", "private")]
    [InlineData("http://172.16.0.1/", "private")]
    [InlineData("http://172.31.255.254/", "private")]
    [InlineData("http://192.168.1.1/", "private")]
    [InlineData("http://0xc0a80101/", "private")]
    [InlineData("http://[::ffff:10.1.2.3]/", "private")]
    [InlineData("http://169.254.1.1/", "link-local")]
    [InlineData("http://[fe80::1]/", "link-local")]
    [InlineData("http://[fe80::1%25eth0]/", "link-local")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "cloud metadata")]
    [InlineData("http://2852039166/", "cloud metadata")]
    [InlineData("http://168.63.129.16/", "cloud metadata")]
    [InlineData("http://100.100.100.200/", "cloud metadata")]
    [InlineData("http://[fd00:ec2::254]/", "cloud metadata")]
    [InlineData("http://100.64.0.1/", "carrier-grade NAT")]
    [InlineData("http://100.127.255.255/", "carrier-grade NAT")]
    [InlineData("http://224.0.0.1/", "multicast")]
    [InlineData("http://239.255.255.250/", "multicast")]
    [InlineData("http://[ff02::1]/", "multicast")]
    [InlineData("http://0.0.0.0/", "unspecified")]
    [InlineData("http://0/", "unspecified")]
    [InlineData("http://[::]/", "unspecified")]
    [InlineData("http://[fc00::1]/", "unique-local")]
    [InlineData("http://[fd12:3456:789a::1]/", "unique-local")]
    [InlineData("http://255.255.255.255/", "reserved")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/", "cloud metadata")]
    [InlineData("http://[64:ff9b::7f00:1]/", "loopback")]
    [InlineData("http://[2002:7f00:1::]/", "loopback")]
    [InlineData("http://[2002:c0a8:101::1]/", "private")]
    public async Task Internal_addresses_are_refused_in_every_spelling(string url, string kind)
    {
        var refusal = await RefusalAsync(Guard(), url);

        Assert.NotNull(refusal);
        Assert.Contains(kind, refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://93.184.216.34/hooks")]
    [InlineData("http://8.8.8.8/")]
    [InlineData("http://172.32.0.1/")]
    [InlineData("http://172.15.255.255/")]
    [InlineData("http://100.128.0.1/")]
    [InlineData("http://169.253.255.255/")]
    [InlineData("http://[2606:4700:4700::1111]/")]
    [InlineData("http://[::ffff:8.8.8.8]/")]
    [InlineData("http://[64:ff9b::808:808]/")]
    public async Task Public_addresses_are_allowed(string url) => Assert.Null(await RefusalAsync(Guard(), url));

    [Fact]
    public async Task Allowed_internal_networks_let_only_those_addresses_through()
    {
        var guard = Guard("127.0.0.0/8", "10.20.0.0/16", "fd00::5");

        Assert.Null(await RefusalAsync(guard, "http://127.0.0.1:8080/"));
        Assert.Null(await RefusalAsync(guard, "http://2130706433/"));
        Assert.Null(await RefusalAsync(guard, "http://[::ffff:127.0.0.1]/"));
        Assert.Null(await RefusalAsync(guard, "http://10.20.30.40/"));
        Assert.Null(await RefusalAsync(guard, "http://[fd00::5]/"));
        Assert.Contains("private", await RefusalAsync(guard, "http://10.21.0.1/"), StringComparison.Ordinal);
        Assert.Contains("unique-local", await RefusalAsync(guard, "http://[fd00::6]/"), StringComparison.Ordinal);
        Assert.Contains("loopback", await RefusalAsync(guard, "http://[::1]/"), StringComparison.Ordinal);
        Assert.Contains("cloud metadata", await RefusalAsync(guard, "http://169.254.169.254/"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("intranet")]
    [InlineData("10.0.0.0/33")]
    [InlineData("crm.internal:8443")]
    [InlineData("")]
    public void A_setting_that_is_not_an_address_or_range_is_refused(string entry)
    {
        var options = new WebhookOptions { AllowedInternalNetworks = [entry] };
        var errors = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true));
        Assert.Contains("Webhooks:AllowedInternalNetworks", Assert.Single(errors).ErrorMessage, StringComparison.Ordinal);
    }
}

/// A portal whose settings allow no internal receivers, not even this machine.
public sealed class NoInternalReceiversApp : PorticoApp
{
    protected override bool AllowsLoopbackWebhooks => false;
}

/// A TCP listener on 127.0.0.1 that only counts who connected, to prove a refused delivery never reached it.
public sealed class ConnectionCounter : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _connections;

    public ConnectionCounter()
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref _connections);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Connections => Volatile.Read(ref _connections);

    public void Dispose() => _listener.Stop();
}

public sealed class InternalReceiverRefusalTests(NoInternalReceiversApp app) : IClassFixture<NoInternalReceiversApp>
{
    [Theory]
    [InlineData("http://127.0.0.1:{0}/hooks/", "127.0.0.1 is a loopback address")]
    [InlineData("http://localhost:{0}/hooks/", "is a loopback address")]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/hooks/", "127.0.0.1 is a loopback address")]
    public async Task Registering_a_loopback_receiver_is_refused_on_the_form(string template, string reason)
    {
        using var listener = new ConnectionCounter();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, listener.Port);
        var page = await client.GetPageAsync("/staff/webhooks");

        var response = await client.PostFormAsync("/staff/webhooks?handler=Create", page, new Dictionary<string, string>
        {
            ["url"] = url,
            ["events"] = WebhookEvents.RequestCreated,
        });

        var error = await PorticoClient.ActionErrorAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains("Webhooks:AllowedInternalNetworks", error, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync((db, _) => db.WebhookEndpoints.AnyAsync(e => e.Url == new Uri(url).ToString())));
        Assert.Equal(0, listener.Connections);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{0}/hooks/")]
    [InlineData("http://localhost:{0}/hooks/")]
    public async Task A_stored_loopback_receiver_is_refused_at_delivery_without_a_connection(string template)
    {
        using var listener = new ConnectionCounter();
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, listener.Port);
        // Stored as if registered before the check existed, or by hand in the database.
        var deliveryId = Guid.NewGuid();
        await app.WithDbAsync(async (db, services) =>
        {
            var secret = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(SendWebhook.ProtectorPurpose).Protect("whsec_test");
            var endpoint = new WebhookEndpoint(url, "Old receiver", [WebhookEvents.RequestCreated], secret, DateTime.UtcNow);
            db.WebhookEndpoints.Add(endpoint);
            db.WebhookDeliveries.Add(new WebhookDelivery(deliveryId, endpoint.Id, WebhookEvents.RequestCreated, "{}", DateTime.UtcNow));
            db.OutboxMessages.Add(OutboxMessage.Create(WebhookPublisher.MessageType, new WebhookMessage(deliveryId), DateTime.UtcNow));
            await db.SaveChangesAsync();
            return 0;
        });

        var delivery = await app.WithDbAsync((db, _) => db.WebhookDeliveries.SingleAsync(d => d.Id == deliveryId));
        for (var waited = 0; delivery.Attempts == 0 && waited < 200; waited++)
        {
            await Task.Delay(100);
            delivery = await app.WithDbAsync((db, _) => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == deliveryId));
        }

        Assert.True(delivery.Attempts > 0, "The delivery was never attempted.");
        Assert.StartsWith("refused: ", delivery.LastError, StringComparison.Ordinal);
        Assert.Contains("is a loopback address", delivery.LastError, StringComparison.Ordinal);
        Assert.Null(delivery.LastStatusCode);
        Assert.Null(delivery.DeliveredAt);
        Assert.Equal(0, listener.Connections);

        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(admin);
        var log = await client.GetPageAsync("/staff/webhooks");
        Assert.Contains(log.QuerySelectorAll("[data-testid=webhook-delivery]"), row => row.TextContent.Contains("refused: ", StringComparison.Ordinal)
            && row.TextContent.Contains(url, StringComparison.Ordinal));
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task A_malformed_internal_network_setting_stops_the_portal_at_start()
    {
        await using var misconfigured = new ConfiguredApp(new() { ["Webhooks:AllowedInternalNetworks:0"] = "intranet" });
        var error = Assert.ThrowsAny<Exception>(() => misconfigured.CreateClient());
        Assert.Contains("\"intranet\" is not an IP address or a CIDR range", error.ToString(), StringComparison.Ordinal);
    }
}
