using Portico.Infrastructure;

namespace Portico.Features.Audit;

public static class AuditModule
{
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<AuditLog>();
        services.AddScoped<VerifyAuditChain>();
        services.AddScoped<SearchAuditEvents>();
        services.AddValidatedOptions<AuditOptions>(configuration, AuditOptions.Section);
        services.AddSingleton<AuditCheckpoints>();
        services.AddHostedService<AuditCheckpointWorker>();
        return services;
    }
}
