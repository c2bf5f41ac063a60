namespace Portico.Features.Staff;

/// `admin create --email ana@example.com [--name "Ana"]`: for operators with a shell and scripted installs. Creates a
/// staff Admin without a password, prints the single-use link that sets it, and exits without starting the web server.
public static class AdminCommand
{
    public const string Usage = "Usage: admin create --email ana@example.com [--name \"Ana\"]";

    /// The command's own words, taken out of the arguments; the rest configures the app as usual. Null without a command.
    public static (string[] Command, string[] Others)? Split(string[] args)
    {
        if (args.Length == 0 || args[0] != "admin")
        {
            return null;
        }
        var command = new List<string> { args[0] };
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] is "--email" or "--name" && i + 1 < args.Length)
            {
                command.Add(args[i]);
                command.Add(args[++i]);
            }
            else if (i == 1 && !args[i].StartsWith('-'))
            {
                command.Add(args[i]);
            }
            else
            {
                rest.Add(args[i]);
            }
        }
        return (command.ToArray(), rest.ToArray());
    }

    /// As started from the command line: the settings are checked and the database is migrated (if configured) first.
    public static async Task<int> RunAsync(WebApplication app, IReadOnlyList<string> command)
    {
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        await ActivatorUtilities.CreateInstance<DatabaseInitializer>(app.Services).StartAsync(CancellationToken.None);
        return await RunAsync(app.Services, command, Console.Out, Console.Error, CancellationToken.None);
    }

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> command, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (command.Count < 2 || command[1] != "create")
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }
        string? email = null, name = null;
        for (var i = 2; i + 1 < command.Count; i += 2)
        {
            (email, name) = command[i] == "--email" ? (command[i + 1], name) : (email, command[i + 1]);
        }
        if (email is null)
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        var (admin, link, problem) = await scope.ServiceProvider.GetRequiredService<StaffSetup>().CreateAdminAsync(email, name, ct);
        if (problem is not null)
        {
            await error.WriteLineAsync(problem);
            return 1;
        }
        await output.WriteLineAsync($"Created staff Admin {admin!.Email} ({admin.DisplayName}).");
        await output.WriteLineAsync($"They choose a password, once, within {SetupLink.SetPasswordLifetime.TotalHours:0} hours, at:");
        await output.WriteLineAsync(link);
        return 0;
    }
}
