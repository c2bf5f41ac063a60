using Portico.Infrastructure;

namespace Portico.Features.Documents;

public static class DocumentsModule
{
    public static IServiceCollection AddDocuments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DocumentOptions>(configuration, DocumentOptions.Section);
        services.AddScoped<DocumentAccess>();
        services.AddScoped<DocumentNotifier>();
        services.AddScoped<UploadDocument>();
        services.AddScoped<DocumentFiles>();
        services.AddScoped<DocumentActions>();
        services.AddSingleton<BlobSweeper>();
        services.AddSingleton<DocumentReminders>();
        services.AddHostedService<DocumentMaintenanceWorker>();
        return services;
    }
}
