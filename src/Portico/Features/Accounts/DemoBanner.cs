using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Portico.Features.Accounts;

public static class DemoBanner
{
    public static void Print(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? "http://localhost:5000";
        Console.WriteLine();
        Console.WriteLine($"Portico is running at {url}");
        Console.WriteLine($"Demo logins (password for all: {DemoData.Password}):");
        foreach (var (email, _, what) in DemoData.Logins)
        {
            Console.WriteLine($"  {email,-28} {what}");
        }
        Console.WriteLine("Outgoing email is written to data/mail unless Smtp:Host is set. Press Ctrl+C to stop.");
        Console.WriteLine();
    }
}
