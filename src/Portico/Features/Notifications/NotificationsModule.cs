namespace Portico.Features.Notifications;

public static class NotificationsModule
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddScoped<Recipients>();
        services.AddScoped<ChangeNotificationPreferences>();
        return services;
    }
}
