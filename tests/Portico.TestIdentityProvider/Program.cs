using Portico.TestIdentityProvider;

// A real OpenID Connect provider for the portal's tests: one server per tenant named on the command line
// (default "a" and "b"), each on its own free loopback port with its own signing key, so each is its own issuer.
// It prints "tenant <name> <address>" per tenant, then "ready", and stops when its standard input closes
// (the test process that started it ended, however it ended).
var tenants = args.Length > 0 ? args : ["a", "b"];
var servers = new List<WebApplication>();
foreach (var tenant in tenants)
{
    var server = TenantServer.Build(tenant);
    await server.StartAsync();
    servers.Add(server);
    Console.WriteLine($"tenant {tenant} {server.Urls.First()}");
}
Console.WriteLine("ready");
await Console.In.ReadToEndAsync();
foreach (var server in servers)
{
    await server.StopAsync();
}
