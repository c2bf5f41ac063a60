using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Portico.Infrastructure.Web;

/// What every page and API route shares: error answers, rate limits, Razor Pages, OpenAPI, health checks.
public static class WebSetup
{
    public static IServiceCollection AddPorticoWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<BrandingOptions>(configuration, BrandingOptions.Section);
        services.AddValidatedOptions<ApiLimits>(configuration, ApiLimits.Section);
        services.AddValidatedOptions<ProxyOptions>(configuration, ProxyOptions.Section);
        services.AddHttpContextAccessor();
        services.AddValidatedOptions<KeyRingOptions>(configuration, KeyRingOptions.Section);
        var keyRing = configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new();
        services.AddDataProtection().SetApplicationName(keyRing.ApplicationName).PersistKeysToDbContext<PorticoDb>();
        services.AddAntiforgery(o => o.Cookie.Name = "portico.antiforgery");

        services.AddLanguages(configuration);
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features";
        }).AddViewLocalization()
            // A form's attribute messages are English in the code and translated in the form class's own .de.resx.
            .AddDataAnnotationsLocalization().AddMvcOptions(o =>
        {
            // A value named in the route (the account, the request, the document) is the one authorization checked:
            // a form or query field of the same name must never replace it, as it would with the framework's default order.
            var route = o.ValueProviderFactories.OfType<RouteValueProviderFactory>().Single();
            o.ValueProviderFactories.Remove(route);
            o.ValueProviderFactories.Insert(0, route);
        });
        services.Configure<MvcOptions>(o => o.RefuseInForms());
        services.AddSingleton<IConfigureOptions<MvcOptions>, BindingMessages>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.RefuseInJson());
        // Unreadable API input becomes an exception that BadApiInput answers with a problem naming the field,
        // instead of a bare 400 that does not say what was wrong.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadApiInput>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            using var language = ProblemTexts.InRequestLanguage(context.HttpContext);
            // Routing refuses a body type an endpoint does not accept without saying what to send instead.
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && context.ProblemDetails.Detail is null)
            {
                context.ProblemDetails.Detail = ProblemTexts.Say(context.HttpContext, "The body's Content-Type ({0}) is not one this endpoint takes; "
                    + "the API description at /openapi/v1.json gives the type for each (file uploads take the file's bytes as application/octet-stream).",
                    context.HttpContext.Request.ContentType ?? "none");
            }
            ProblemTexts.Translate(context);
        });
        services.AddValidation();
        services.AddOpenApi(o => o.AddSchemaTransformer(ControlCharacters.DescribeTextAsText));
        services.AddSingleton<SharedRateLimits>();
        services.AddHostedService<RateLimitWindowSweeper>();
        services.AddHealthChecks().AddDbContextCheck<PorticoDb>("database", tags: ["ready"]);
        // Features add their own policies (sign-in, integration keys); every /api route also has the global budget.
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = ApiLimits.OnRejectedAsync;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ApiLimits.Partition);
        });
        return services;
    }

    /// <param name="beforeAuthentication">What features need between routing and authentication.</param>
    public static WebApplication UsePorticoPipeline(this WebApplication app, Action<IApplicationBuilder> beforeAuthentication)
    {
        ProxyOptions.UseKnownProxies(app, app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value);
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), web =>
        {
            web.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/error",
                StatusCodeSelector = e => e switch
                {
                    BadHttpRequestException bad => bad.StatusCode,
                    Storage.BlobStorageUnavailableException => StatusCodes.Status503ServiceUnavailable,
                    _ => StatusCodes.Status500InternalServerError,
                },
            });
            web.UseStatusCodePagesWithReExecute("/error/{0}");
        });
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseMiddleware<Tenancy.StaffScopeMiddleware>();
        app.RefuseControlCharactersInUrls();
        beforeAuthentication(app);
        app.UseAuthentication();
        // After authentication, so a signed-in person's own choice of language can come before the browser's; before the
        // customer view, so its refusal is in that language too.
        HumanText.UseLocalizer(app.Services.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizerFactory>());
        app.UseRequestLocalization();
        // Before the account scope, which enters the viewed member's membership, and before anything that could change data.
        app.UseMiddleware<CustomerViewMiddleware>();
        app.UseMiddleware<AccountScopeMiddleware>();
        // After authentication, so the API budget can be per person rather than per address.
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapPorticoWeb(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapRazorPages();
        return app;
    }
}
