using System.Globalization;
using Portico.TestSystemOfRecord;

// A simulated system of record (CRM, billing and ERP in one) for the portal's convergence test. It keeps its own accounts,
// invoices and orders with versions, makes random creates, changes and deletes, and pushes them to the portal's integration
// API with faults: duplicated, reordered and dropped batches (sent again later), batches with invalid records, a bulk batch
// during which it asks for the portal to be killed, and an outage. It then sends all accounts once and one reconciliation
// snapshot of invoices and orders, writes its records to --state and prints "done".
// It talks to the test that started it by lines: it prints "kill <id prefix> <records>" and waits for "restarted", and
// prints "outage" and waits for "resume" on its standard input.
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
string Need(string name) => options.TryGetValue(name, out var value) && value.Length > 0 ? value
    : throw new ArgumentException($"--{name} is required.");
var settings = new SimulationSettings(
    new Uri(Need("portico")),
    Need("key"),
    int.Parse(Need("operations"), CultureInfo.InvariantCulture),
    int.Parse(options.GetValueOrDefault("seed", "18"), CultureInfo.InvariantCulture),
    int.Parse(options.GetValueOrDefault("bulk", "1500"), CultureInfo.InvariantCulture),
    Need("state"));
using var simulation = new Simulation(settings, Console.Out, Console.In);
try
{
    await simulation.RunAsync();
    return 0;
}
catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException or IOException)
{
    Console.Out.WriteLine("failed " + e);
    return 1;
}
