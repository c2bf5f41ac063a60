using Microsoft.Extensions.DependencyInjection.Extensions;
using Portico.Infrastructure.Outbox;

namespace Portico.Infrastructure.Email;

public static class EmailSetup
{
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SmtpOptions>(configuration, SmtpOptions.Section);
        services.AddScoped<EmailOutbox>();
        // The portal's stored brand replaces this where it is registered.
        services.TryAddSingleton<IEmailBrand, ConfiguredEmailBrand>();
        services.AddSingleton<IOutboxHandler, SendEmail>();
        return services;
    }
}
