namespace Portico.Tests.Identity;

/// The app with a sign-in limit low enough to reach in a test: three attempts a minute from one address.
public sealed class ThreeSignInsPerMinuteApp : PorticoApp
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["LoginLimits:PerMinutePerAddress"] = "3" };
}
