using Portico.Infrastructure.Outbox;

namespace Portico.Infrastructure.Email;

public static class EmailSetup
{
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SmtpOptions>(configuration, SmtpOptions.Section);
        services.AddScoped<EmailOutbox>();
        services.AddSingleton<IOutboxHandler, SendEmail>();
        return services;
    }
}
