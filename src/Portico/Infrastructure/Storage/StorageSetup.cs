namespace Portico.Infrastructure.Storage;

public static class StorageSetup
{
    public static IServiceCollection AddBlobStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions>(configuration, StorageOptions.Section);
        services.AddSingleton<IBlobStorage, LocalDiskBlobStorage>();
        return services;
    }
}
