namespace Portico.Features.Imports;

public static class ImportsModule
{
    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddScoped<CsvImport>();
        return services;
    }
}
