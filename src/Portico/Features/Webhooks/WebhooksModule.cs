using Portico.Infrastructure;
using Portico.Infrastructure.Outbox;

namespace Portico.Features.Webhooks;

public static class WebhooksModule
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<WebhookPublisher>();
        services.AddScoped<ManageWebhookEndpoints>();
        services.AddSingleton<IOutboxHandler, SendWebhook>();
        services.AddValidatedOptions<WebhookOptions>(configuration, WebhookOptions.Section);
        services.AddSingleton<ReceiverGuard>();
        services.AddHttpClient("webhooks", c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<ReceiverGuard>().CreateHandler());
        return services;
    }
}
