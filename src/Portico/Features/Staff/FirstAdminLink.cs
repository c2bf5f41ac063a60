namespace Portico.Features.Staff;

/// At start-up on a database without a staff Admin, prints the link that creates the first one: on the console
/// for the person who started the app, and as a warning in the log, which default logging keeps.
public sealed class FirstAdminLink(IServiceScopeFactory scopes, ILogger<FirstAdminLink> logger) : IHostedService
{
    /// The link printed by the latest start, while no Admin existed then.
    public string? Current { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken) => await IssueAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<string?> IssueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        Current = await scope.ServiceProvider.GetRequiredService<StaffSetup>().IssueFirstAdminLinkAsync(cancellationToken);
        if (Current is null)
        {
            return null;
        }
        var minutes = SetupLink.FirstAdminLifetime.TotalMinutes;
        Console.WriteLine();
        Console.WriteLine("This portal has no staff Admin yet. Create the first one, once, within " + minutes + " minutes, at:");
        Console.WriteLine("  " + Current);
        Console.WriteLine("Restarting prints a new link; the old one stops working. Or run: admin create --email you@example.com");
        Console.WriteLine();
        logger.LogWarning("No staff Admin exists yet. Create the first one within {Minutes} minutes at {SetupLink} (single use; a restart prints a new link)",
            minutes, Current);
        return Current;
    }
}
