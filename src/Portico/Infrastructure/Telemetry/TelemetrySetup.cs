using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Portico.Infrastructure.Telemetry;

public sealed class TelemetryOptions
{
    public const string Section = "OpenTelemetry";

    /// Where traces and metrics go over OTLP (e.g. http://collector:4317); none means they are not exported.
    public Uri? OtlpEndpoint { get; set; }

    /// Bearer token a Prometheus server sends to scrape /metrics; none means there is no scrape endpoint.
    [MinLength(16)]
    public string? MetricsToken { get; set; }

    /// Console logs as one JSON object a line, carrying the trace and span id of the request.
    public bool JsonLogs { get; set; }
}

/// Portico's own measurements, beside what ASP.NET Core, HttpClient and EF Core report.
public static class PorticoMetrics
{
    public const string MeterName = "Portico";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Uploads = Meter.CreateCounter<long>("portico.uploads", "{file}", "Files stored: document versions and request attachments.");

    public static readonly Counter<long> UploadedBytes = Meter.CreateCounter<long>("portico.uploads.size", "By", "Bytes of the files stored.");

    public static readonly Counter<long> SignInFailures = Meter.CreateCounter<long>("portico.sign_in.failures", "{attempt}", "Password sign-ins refused.");

    public static readonly Counter<long> OutboxFailures = Meter.CreateCounter<long>("portico.outbox.failures", "{attempt}", "Outbox deliveries that failed and will be retried or were given up.");

    public static readonly Histogram<double> OutboxLag = Meter.CreateHistogram<double>("portico.outbox.lag", "s", "From a message being queued to its delivery.");

    public static void Uploaded(string kind, long bytes)
    {
        Uploads.Add(1, new KeyValuePair<string, object?>("kind", kind));
        UploadedBytes.Add(bytes, new KeyValuePair<string, object?>("kind", kind));
    }
}

public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<TelemetryOptions>(builder.Configuration, TelemetryOptions.Section);
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new();
        if (options.JsonLogs)
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
            services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Json);
        }
        if (options.OtlpEndpoint is null && options.MetricsToken is null)
        {
            return builder;
        }
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("portico"));
        telemetry.WithTracing(t =>
        {
            t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddEntityFrameworkCoreInstrumentation();
            if (options.OtlpEndpoint is { } endpoint)
            {
                t.AddOtlpExporter(o => o.Endpoint = endpoint);
            }
        });
        telemetry.WithMetrics(m =>
        {
            m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddMeter(PorticoMetrics.MeterName);
            if (options.OtlpEndpoint is { } endpoint)
            {
                m.AddOtlpExporter(o => o.Endpoint = endpoint);
            }
            if (options.MetricsToken is not null)
            {
                // Every scrape sees the current values.
                m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            }
        });
        return builder;
    }

    /// The scrape endpoint, only for a caller with the token; anyone else gets 401 and no figures.
    public static WebApplication MapTelemetry(this WebApplication app)
    {
        var token = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.MetricsToken;
        if (token is null)
        {
            return app;
        }
        var expected = Encoding.UTF8.GetBytes("Bearer " + token);
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (http, next) =>
        {
            var given = Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString());
            if (!CryptographicOperations.FixedTimeEquals(given, expected))
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return;
            }
            await next(http);
        }), optionsName: null).AllowAnonymous();
        return app;
    }
}
