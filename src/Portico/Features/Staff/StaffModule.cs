namespace Portico.Features.Staff;

public static class StaffModule
{
    public static IServiceCollection AddStaff(this IServiceCollection services)
    {
        services.AddScoped<StaffSetup>();
        services.AddScoped<StaffSearch>();
        services.AddScoped<StaffTeam>();
        services.AddSingleton<FirstAdminLink>();
        // After the database initializer, which migrates: hosted services start in the order they were added.
        services.AddHostedService(sp => sp.GetRequiredService<FirstAdminLink>());
        return services;
    }
}
