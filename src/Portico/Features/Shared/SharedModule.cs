namespace Portico.Features.Shared;

public static class SharedModule
{
    public static IServiceCollection AddPortalShell(this IServiceCollection services)
    {
        services.AddScoped<PortalShell>();
        return services;
    }
}
