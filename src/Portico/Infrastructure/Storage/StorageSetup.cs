using Microsoft.AspNetCore.Diagnostics;

namespace Portico.Infrastructure.Storage;

public static class StorageSetup
{
    public static IServiceCollection AddBlobStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions>(configuration, StorageOptions.Section);
        if (configuration.GetSection(StorageOptions.Section).Get<StorageOptions>()?.Provider == StorageProvider.S3)
        {
            services.AddSingleton<IBlobStorage, S3BlobStorage>();
        }
        else
        {
            services.AddSingleton<IBlobStorage, LocalDiskBlobStorage>();
        }
        services.AddExceptionHandler<StorageUnavailableAnswer>();
        return services;
    }

    /// Before the app serves anything: a bucket that cannot be reached is said plainly, naming the setting, rather than
    /// found on the first upload. Null when storage is fine (local disk is checked by creating its folder).
    public static async Task<string?> ProblemAtStartAsync(IServiceProvider services, CancellationToken ct)
    {
        IBlobStorage storage;
        try
        {
            storage = services.GetRequiredService<IBlobStorage>();
        }
        catch (OptionsValidationException e)
        {
            return e.Message;
        }
        if (storage is not S3BlobStorage bucket)
        {
            return null;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        return await bucket.ProblemAsync(timeout.Token);
    }
}

/// The API's answer when file storage is out of reach: 503 with a problem saying nothing was saved.
public sealed class StorageUnavailableAnswer(IProblemDetailsService problems, ILogger<StorageUnavailableAnswer> logger) : IExceptionHandler
{
    public const string Detail = "The portal's file storage did not answer, so nothing was saved. Please try again in a few minutes.";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BlobStorageUnavailableException unavailable)
        {
            return false;
        }
        logger.LogError(unavailable, "File storage unavailable");
        if (!httpContext.Request.Path.StartsWithSegments("/api"))
        {
            // Pages show their error page with the 503 chosen by the pipeline's status selector.
            return false;
        }
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "60";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "File storage unavailable", Detail = Detail },
            Exception = exception,
        });
    }
}
