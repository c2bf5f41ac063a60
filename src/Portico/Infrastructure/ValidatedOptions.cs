namespace Portico.Infrastructure;

public static class ValidatedOptions
{
    /// Binds a settings section and checks its data annotations when the app starts, so a bad setting stops
    /// start-up with a message naming it instead of failing on first use.
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
