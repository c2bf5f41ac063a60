using System.Reflection;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;

namespace Portico.Tests.Tenancy;

/// The account a page or endpoint acts on comes from the membership check, never from a value a client binds:
/// found from the app's own endpoints, no page handler or page property binds an account id, and an endpoint
/// takes one only from its route (the value authorization checked), never from the query or a JSON body.
public sealed class AccountIdBindingTests(PorticoApp app) : AppTests
{
    /// Bindings allowed to name an account, each with the reason.
    private static readonly Dictionary<string, string> Allowed = new()
    {
        ["switch-account accountId"] = "The account switcher's choice is looked up among the person's own active memberships before anything happens.",
    };

    private static bool NamesAnAccount(string name) =>
        name.Split('.')[^1].Equals("accountId", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task No_handler_or_endpoint_binds_an_account_id_that_does_not_come_from_its_route()
    {
        var loader = app.Services.GetRequiredService<PageLoader>();
        var endpoints = app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().ToList();
        var isService = app.Services.GetRequiredService<IServiceProviderIsService>();
        var found = new List<string>();
        var pages = 0;
        var apis = 0;
        foreach (var endpoint in endpoints)
        {
            var route = endpoint.RoutePattern.RawText!.Trim('/');
            if (route.StartsWith("staff", StringComparison.Ordinal) || route.StartsWith("api/staff", StringComparison.Ordinal))
            {
                // Staff work across accounts by design; the staff policies guard those routes.
                continue;
            }
            var inRoute = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } descriptor)
            {
                pages++;
                var compiled = await loader.LoadAsync(descriptor, endpoint.Metadata);
                var names = compiled.BoundProperties.SelectMany(p => Names(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType))
                    .Concat(compiled.HandlerMethods.SelectMany(h => h.Parameters).SelectMany(p => Names(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType)));
                // A page binds from the form and the query as well as the route, so any account id it declares is refused.
                found.AddRange(names.Where(NamesAnAccount).Distinct().Select(n => $"{route} {n}"));
                continue;
            }
            if (endpoint.Metadata.GetMetadata<MethodInfo>() is not { } method)
            {
                continue;
            }
            apis++;
            foreach (var parameter in method.GetParameters())
            {
                if (NamesAnAccount(parameter.Name!) && !inRoute.Contains(parameter.Name!))
                {
                    found.Add($"{route} {parameter.Name}");
                }
                var type = parameter.ParameterType;
                if (isService.IsService(type))
                {
                    continue;
                }
                if (type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("Portico", StringComparison.Ordinal) == true)
                {
                    found.AddRange(type.GetProperties().Where(p => NamesAnAccount(p.Name)).Select(p => $"{route} body {type.Name}.{p.Name}"));
                }
            }
        }

        Assert.True(pages > 20 && apis > 10, $"Found only {pages} pages and {apis} endpoints: the discovery is broken.");
        var refused = found.Where(f => !Allowed.ContainsKey(f)).ToList();
        Assert.True(refused.Count == 0, "Account ids bound from a client: " + string.Join("; ", refused));
    }

    private static IEnumerable<string> Names(string name, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsClass && t != typeof(string) && t.Namespace?.StartsWith("Portico", StringComparison.Ordinal) == true)
        {
            return t.GetProperties().Where(p => p.CanWrite).Select(p => $"{name}.{p.Name}").Prepend(name);
        }
        return [name];
    }
}
