using Portico.Features.Accounts;
using Portico.Features.Approvals;
using Portico.Features.Audit;
using Portico.Features.Benchmark;
using Portico.Features.Branding;
using Portico.Features.Contacts;
using Portico.Features.Documents;
using Portico.Features.Identity;
using Portico.Features.Help;
using Portico.Features.Imports;
using Portico.Features.Insights;
using Portico.Features.Integrations;
using Portico.Features.Notifications;
using Portico.Features.Requests;
using Portico.Features.Shared;
using Portico.Features.SingleSignOn;
using Portico.Features.Staff;
using Portico.Features.Webhooks;
using Portico.Infrastructure.Email;
using Portico.Infrastructure.Outbox;
using Portico.Infrastructure.Storage;
using Portico.Infrastructure.Telemetry;

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

builder.AddTelemetry();
var (services, configuration) = (builder.Services, builder.Configuration);
services.AddSingleton(TimeProvider.System);
// First: hosted services start in the order they were added, and the database initializer migrates.
services.AddPorticoDatabase(configuration, builder.Environment);
services.AddPorticoAuthorization();
services.AddPorticoIdentity(configuration);
services.AddSingleSignOn();
services.AddEmail(configuration);
services.AddAudit(configuration);
services.AddInsights();
services.AddHelp();
services.AddAccounts();
services.AddStaff();
services.AddContacts();
services.AddApprovals();
services.AddPortalShell();
services.AddBranding();
services.AddNotifications();
services.AddBlobStorage(configuration);
services.AddRequests(configuration);
services.AddDocuments(configuration);
services.AddIntegrations(configuration);
services.AddWebhooks(configuration);
services.AddImports();
services.AddOutbox(configuration);
services.AddPorticoWeb(configuration);

var app = builder.Build();

if (adminCommand is { } command)
{
    return await AdminCommand.RunAsync(app, command.Command);
}
if (storageCommand is { } copy)
{
    return await StorageCommand.RunAsync(app, copy.Command);
}
if (await StorageSetup.ProblemAtStartAsync(app.Services, CancellationToken.None) is { } storageProblem)
{
    await Console.Error.WriteLineAsync(storageProblem);
    return 1;
}

app.UsePorticoPipeline();

app.MapPorticoWeb();
app.MapTelemetry();
app.MapBranding();
app.MapBenchmark();
app.MapAccounts();
app.MapAudit();
app.MapRequests();
app.MapDocuments();
app.MapIntegrations();

if (app.Configuration.GetValue<bool>("Portico:SeedDemoData"))
{
    app.Lifetime.ApplicationStarted.Register(() => DemoBanner.Print(app));
}

app.Run();
return 0;

public partial class Program;
