using Portico.Infrastructure;

namespace Portico.Features.Requests;

public static class RequestsModule
{
    public static IServiceCollection AddRequests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RequestOptions>(configuration, RequestOptions.Section);
        services.AddScoped<RequestAccess>();
        services.AddScoped<RequestNotifier>();
        services.AddScoped<SubmitRequest>();
        services.AddScoped<SaveRequestType>();
        services.AddScoped<CustomerRequestActions>();
        services.AddScoped<RateRequest>();
        services.AddScoped<StaffRequestActions>();
        services.AddScoped<AttachmentFiles>();
        services.AddSingleton<AttachmentStorageMove>();
        return services;
    }
}
