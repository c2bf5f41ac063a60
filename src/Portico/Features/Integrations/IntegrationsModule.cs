using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;

namespace Portico.Features.Integrations;

public static class IntegrationsModule
{
    public static IServiceCollection AddIntegrations(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, IntegrationKeyAuthentication>(IntegrationKeyAuthentication.SchemeName, null);
        services.AddScoped<IntegrationSync>();
        services.AddScoped<ReconcileSnapshots>();
        services.AddScoped<Freshness>();
        services.AddScoped<ManageIntegrations>();
        services.AddScoped<ResolveIncidents>();
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
        return app;
    }
}
