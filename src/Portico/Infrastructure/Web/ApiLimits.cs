using System.Threading.RateLimiting;

namespace Portico.Infrastructure.Web;

/// Requests one person may make to the API per minute. Integration keys have their own budget.
public sealed class ApiLimits
{
    public const string Section = "ApiLimits";

    [Range(1, 1_000_000)]
    public int PerMinutePerUser { get; set; } = 600;

    /// Every /api route a person calls, found by path so a new endpoint is limited without remembering to.
    /// Each signed-in person has a budget of their own; callers without a session share one per address.
    public static RateLimitPartition<string> Partition(HttpContext context)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api") || path.StartsWithSegments("/api/integration"))
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        var limit = context.RequestServices.GetRequiredService<IOptions<ApiLimits>>().Value.PerMinutePerUser;
        var key = context.User.UserId() is { } userId ? "user:" + userId : "ip:" + context.Connection.RemoteIpAddress;
        return context.RequestServices.GetRequiredService<SharedRateLimits>().FixedWindow("api", key, limit, TimeSpan.FromMinutes(1));
    }

    /// Every refusal says when to come back; API callers also get a problem detail, pages the error page.
    public static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: ProblemTexts.Say(http, "The limit of requests per minute was reached. Try again in {0} seconds.", seconds)).ExecuteAsync(http);
        }
    }
}
