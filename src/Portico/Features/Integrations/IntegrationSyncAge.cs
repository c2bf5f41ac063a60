using System.Diagnostics.Metrics;
using Portico.Infrastructure.Telemetry;

namespace Portico.Features.Integrations;

/// How long ago each integration last synced, read from the database when metrics are collected.
public sealed class IntegrationSyncAge
{
    public IntegrationSyncAge(IMeterFactory meters, IServiceScopeFactory scopes, TimeProvider clock)
    {
        meters.Create(PorticoMetrics.MeterName).CreateObservableGauge("portico.integration.sync_age", () =>
        {
            using var scope = scopes.CreateScope();
            scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
            var now = clock.GetUtcNow().UtcDateTime;
            // Metrics are collected synchronously; the table has one row per connected system.
            return scope.ServiceProvider.GetRequiredService<PorticoDb>().Integrations.AsNoTracking()
                .Where(i => i.LastSuccessAt != null)
                .Select(i => new { i.Name, i.LastSuccessAt })
                .ToList()
                .Select(i => new Measurement<double>((now - i.LastSuccessAt!.Value).TotalSeconds, new KeyValuePair<string, object?>("integration", i.Name)));
        }, "s", "Time since each integration last synced successfully.");
    }
}
