using Portico.Features.Approvals;
using Portico.Features.Benchmark;
using Portico.Features.Branding;
using Portico.Features.Contacts;
using Portico.Features.Documents;
using Portico.Features.Help;
using Portico.Features.Imports;
using Portico.Features.Insights;
using Portico.Features.Notifications;
using Portico.Features.SingleSignOn;
using Portico.Features.Staff;
using Portico.Features.Webhooks;
using Portico.Infrastructure.Outbox;
using Portico.Infrastructure.Storage;
using Portico.Infrastructure.Telemetry;

namespace Portico;

/// The one list of Portico's modules: each registers its own services and options, and maps its own endpoints.
public static class PorticoModules
{
    public static void AddPortico(this WebApplicationBuilder builder)
    {
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
    }

    public static void MapPortico(this WebApplication app)
    {
        // Before authentication: a provider's callback needs its scheme on this node, or a clear answer when it was turned off.
        app.UsePorticoPipeline(beforeAuthentication: pipeline => pipeline.UseSingleSignOnCallbacks());
        app.MapPorticoWeb();
        app.MapTelemetry();
        app.MapBranding();
        app.MapBenchmark();
        app.MapAccounts();
        app.MapAudit();
        app.MapRequests();
        app.MapDocuments();
        app.MapIntegrations();
        app.MapScim();
    }
}
