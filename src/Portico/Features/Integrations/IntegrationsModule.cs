using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Portico.Infrastructure;

namespace Portico.Features.Integrations;

public static class IntegrationsModule
{
    public static IServiceCollection AddIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, IntegrationKeyAuthentication>(IntegrationKeyAuthentication.SchemeName, null);
        services.AddScoped<IntegrationSync>();
        services.AddSingleton<IntegrationSyncAge>();
        services.AddScoped<ReconcileSnapshots>();
        services.AddScoped<Freshness>();
        services.AddScoped<ManageIntegrations>();
        services.AddScoped<ResolveIncidents>();
        services.AddScoped<ChangeFeed>();
        services.AddScoped<WriteBacks>();
        services.AddValidatedOptions<WriteBackOptions>(configuration, WriteBackOptions.Section);
        services.AddValidatedOptions<ChangeFeedOptions>(configuration, ChangeFeedOptions.Section);
        services.AddHostedService<ChangeFeedPoller>();
        // Change feeds are reached under the webhook rules: public addresses only unless an internal network is allowed,
        // checked again at every connection, no redirects.
        services.AddHttpClient(ChangeFeed.Client, (sp, c) =>
            {
                c.Timeout = sp.GetRequiredService<IOptions<ChangeFeedOptions>>().Value.Timeout;
                c.MaxResponseContentBufferSize = ChangeFeed.MaxPageBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<Webhooks.ReceiverGuard>().CreateHandler());
        // Each integration key gets its own budget, so one busy source cannot starve the others.
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(IntegrationApi.RateLimit, context =>
            context.RequestServices.GetRequiredService<SharedRateLimits>().FixedWindow(IntegrationApi.RateLimit,
                IntegrationKey.Parse(context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.OrdinalIgnoreCase))?.KeyId ?? "",
                600, TimeSpan.FromMinutes(1))));
        return services;
    }

    public static IEndpointRouteBuilder MapIntegrations(this IEndpointRouteBuilder app)
    {
        app.MapIntegrationApi();
        // The gauge exists from the start; it is read only when metrics are scraped.
        app.ServiceProvider.GetRequiredService<IntegrationSyncAge>();
        return app;
    }
}
