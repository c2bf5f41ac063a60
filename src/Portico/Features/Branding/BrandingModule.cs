using Microsoft.Net.Http.Headers;
using Portico.Infrastructure.Storage;

namespace Portico.Features.Branding;

public static class BrandingModule
{
    public const string LogoPath = "/branding/logo";
    public const string FaviconPath = "/branding/favicon";

    public static IServiceCollection AddBranding(this IServiceCollection services)
    {
        services.AddSingleton<Brands>();
        services.AddSingleton<IEmailBrand>(sp => sp.GetRequiredService<Brands>());
        services.AddScoped<SaveBrand>();
        return services;
    }

    /// The colours as a stylesheet, because the CSP forbids inline styles, and the uploaded images. All public: the
    /// sign-in page shows them to visitors who are not signed in yet.
    public static IEndpointRouteBuilder MapBranding(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/branding.css", async (Brands brands, HttpContext http) =>
        {
            var brand = await brands.GetAsync(http.RequestAborted);
            // The layout links it with the brand's version, so a save shows on the next page despite the cache.
            http.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Text($":root {{ --primary: {brand.PrimaryColor}; --accent: {brand.AccentColor}; }}\n", "text/css");
        }).AllowAnonymous().ExcludeFromDescription();
        routes.MapGet(LogoPath, (Brands brands, IBlobStorage storage, HttpContext http) => ServeAsync(brands, storage, http, b => b.Logo))
            .AllowAnonymous().ExcludeFromDescription();
        routes.MapGet(FaviconPath, (Brands brands, IBlobStorage storage, HttpContext http) => ServeAsync(brands, storage, http, b => b.Favicon))
            .AllowAnonymous().ExcludeFromDescription();
        return routes;
    }

    private static async Task<IResult> ServeAsync(Brands brands, IBlobStorage storage, HttpContext http, Func<Brand, BrandImage?> pick)
    {
        var image = pick(await brands.GetAsync(http.RequestAborted));
        if (image is null || await storage.OpenIntactAsync(image.StorageKey, image.Sha256, http.RequestAborted) is not { } stream)
        {
            return Results.NotFound();
        }
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        http.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Stream(stream, image.ContentType, lastModified: image.UploadedAt, entityTag: new EntityTagHeaderValue($"\"{image.Sha256}\""));
    }
}
