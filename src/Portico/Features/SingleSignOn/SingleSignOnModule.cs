using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portico.Features.SingleSignOn;

public static class SingleSignOnModule
{
    /// OpenID Connect sign-in through the providers staff Admins add at /staff/sso (docs/adr/0016-single-sign-on.md).
    public static IServiceCollection AddSingleSignOn(this IServiceCollection services)
    {
        services.AddSingleton<SingleSignOnSchemes>();
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, ConfigureProviderOptions>();
        // What AddOpenIdConnect would register; the schemes themselves are added per provider at run time.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddScoped<SingleSignOnDirectory>();
        services.AddScoped<SaveSingleSignOnProvider>();
        services.AddScoped<SignInWithSingleSignOn>();
        services.AddScoped<ScimUsers>();
        services.AddScoped<ScimGroups>();
        services.AddScoped<ProviderRoles>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ScimTokenAuthentication>(ScimTokenAuthentication.SchemeName, null);
        return services;
    }
}
