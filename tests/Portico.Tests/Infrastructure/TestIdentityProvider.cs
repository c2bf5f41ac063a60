namespace Portico.Tests.Infrastructure;

/// The real OpenID Connect provider (tests/Portico.TestIdentityProvider) running as its own process on loopback, with
/// two tenants, each its own issuer. One process serves the whole test run: it is started on first use and stops when
/// the test process ends (it exits when its standard input closes).
public sealed class TestIdentityProvider
{
    private static readonly Lazy<Task<TestIdentityProvider>> Shared = new(StartAsync);

    public static Task<TestIdentityProvider> GetAsync() => Shared.Value;

    /// Tenant name to its base address, e.g. "a" → http://127.0.0.1:41234/.
    public IReadOnlyDictionary<string, Uri> Tenants { get; }

    private TestIdentityProvider(IReadOnlyDictionary<string, Uri> tenants) => Tenants = tenants;

    public Uri Discovery(string tenant) => new(Tenants[tenant], ".well-known/openid-configuration");

    /// The tenant accepts any client id whose secret is this.
    public static string SecretFor(string clientId) => "secret-" + clientId;

    private static async Task<TestIdentityProvider> StartAsync()
    {
        var dll = Path.Combine(Path.GetDirectoryName(AppProcess.AppDirectory().TrimEnd(Path.DirectorySeparatorChar))!
            .Replace(Path.Combine("src", "Portico", "bin"), Path.Combine("tests", "Portico.TestIdentityProvider", "bin"), StringComparison.Ordinal),
            "net10.0", "Portico.TestIdentityProvider.dll");
        Assert.True(File.Exists(dll), $"The test identity provider is not built at {dll}; build the solution.");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var tenants = new Dictionary<string, Uri>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line && line != "ready")
        {
            var parts = line.Split(' ');
            if (parts is ["tenant", var name, var address])
            {
                tenants[name] = new Uri(address.TrimEnd('/') + "/");
            }
        }
        Assert.False(process.HasExited, "The test identity provider exited during start-up.");
        Assert.Equal(["a", "b"], tenants.Keys.Order());
        // Keep reading so a full pipe never blocks it.
        _ = process.StandardOutput.ReadToEndAsync();
        return new TestIdentityProvider(tenants);
    }
}
