namespace Portico.Features.Accounts;

public static class AccountsModule
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddScoped<DemoData>();
        services.AddScoped<ChangeCompanyAddress>();
        services.AddScoped<AccountPolicies>();
        services.AddScoped<CreateAccount>();
        services.AddScoped<ChangeRoleCatalogue>();
        services.AddScoped<SwitchAccount>();
        services.AddScoped<AccountNumbers>();
        services.AddScoped<Staff.AccountTimeline>();
        services.AddScoped<Staff.AccountPeople>();
        services.AddScoped<Staff.AccountQuickFixes>();
        services.AddSingleton<CustomerViewCookie>();
        services.AddScoped<StartCustomerView>();
        services.AddScoped<EndCustomerView>();
        services.AddSingleton<CustomerViewExpiry>();
        services.AddHostedService(sp => sp.GetRequiredService<CustomerViewExpiry>());
        return services;
    }
}
