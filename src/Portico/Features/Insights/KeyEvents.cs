namespace Portico.Features.Insights;

/// Adds key events to the current unit of work, saved with the change they describe. The channel follows from where
/// the call came in unless the caller knows better: the API, staff viewing or working for the customer, or the portal.
public sealed class KeyEvents(PorticoDb db, IHttpContextAccessor http, AccountContext scope, TimeProvider clock)
{
    public void Record(KeyEventKind kind, Guid accountId, Guid? personId = null, Channel? channel = null)
    {
        var context = http.HttpContext;
        personId ??= context?.User.UserId();
        db.KeyEvents.Add(new KeyEvent(kind, accountId, personId, channel ?? ChannelOf(context), clock.GetUtcNow().UtcDateTime));
    }

    /// Records the event and saves it at once, for reads (a page viewed) that save nothing else.
    public async Task RecordNowAsync(KeyEventKind kind, Guid accountId, CancellationToken ct)
    {
        Record(kind, accountId);
        await db.SaveChangesAsync(ct);
    }

    private Channel ChannelOf(HttpContext? context)
    {
        // Staff pages work across accounts; a staff member viewing the portal as a customer is not the customer.
        if (scope.CrossAccount || scope.Membership is { ViewedByStaff: true })
        {
            return Channel.StaffOnBehalf;
        }
        return context?.Request.Path.StartsWithSegments("/api") == true ? Channel.Api : Channel.Portal;
    }
}

public static class InsightsModule
{
    public static IServiceCollection AddInsights(this IServiceCollection services) => services.AddScoped<KeyEvents>().AddScoped<Staff.ReadInsights>()
        .AddSingleton<Staff.InsightFigureCache>().AddSingleton(_ => new Staff.IdleTimeScheduler("Insights figures"));
}
