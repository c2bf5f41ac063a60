using Portico;
using Portico.Features.Staff;
using Portico.Infrastructure.Storage;

// "--demo" is a flag, not a key/value pair, and "admin create --email …" a command: both are taken out before
// configuration reads the rest.
var adminCommand = AdminCommand.Split(args);
var storageCommand = StorageCommand.Split(args);
var demo = args.Contains("--demo");
var builder = WebApplication.CreateBuilder((adminCommand?.Others ?? storageCommand?.Others ?? args).Where(a => a != "--demo").ToArray());
if (demo)
{
    builder.Configuration["Portico:SeedDemoData"] = "true";
}
builder.AddPortico();
var app = builder.Build();

if (adminCommand is { } command)
{
    return await AdminCommand.RunAsync(app, command.Command);
}
if (storageCommand is { } copy)
{
    return await StorageCommand.RunAsync(app, copy.Command);
}
if ((await StorageSetup.ProblemAtStartAsync(app.Services, CancellationToken.None)
    ?? await KeyRingName.ProblemAtStartAsync(app.Services, CancellationToken.None)) is { } startProblem)
{
    await Console.Error.WriteLineAsync(startProblem);
    return 1;
}

app.MapPortico();
if (app.Configuration.GetValue<bool>("Portico:SeedDemoData"))
{
    app.Lifetime.ApplicationStarted.Register(() => DemoBanner.Print(app));
}
app.Run();
return 0;

public partial class Program;
