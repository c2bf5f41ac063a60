namespace Portico.Features.Contacts;

public static class ContactsModule
{
    public static IServiceCollection AddContacts(this IServiceCollection services)
    {
        services.AddScoped<ChangeMembershipRole>();
        services.AddScoped<ContactWriteBacks>();
        services.AddScoped<ListContacts>();
        services.AddScoped<ManageContacts>();
        return services;
    }
}
