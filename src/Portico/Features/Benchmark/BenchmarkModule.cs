namespace Portico.Features.Benchmark;

public static class BenchmarkModule
{
    public const string Setting = "Portico:BenchmarkEndpoints";

    public static IEndpointRouteBuilder MapBenchmark(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<bool>(Setting))
        {
            app.MapGet("/bench/plaintext", () => Results.Text("Hello, World!")).AllowAnonymous().ExcludeFromDescription();
        }
        return app;
    }
}
