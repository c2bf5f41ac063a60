namespace Portico.Tests.Infrastructure;

/// Helpers for tests that run the built app as its own process (to kill it and start it again).
public static class AppProcess
{
    /// The last lines each started app wrote, to say why it stopped when it exits during start-up.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, System.Collections.Concurrent.ConcurrentQueue<string>> Output = new();

    /// Starts the built app with the demo data on the given database, on a loopback port, sending mail to the test sink.
    /// Settings are extra environment variables. Its output is read (so a full pipe never blocks it) and its last lines kept.
    /// Without demo data it starts as an empty portal (only the migrations and built-in roles).
    public static Process Start(string contentRoot, string provider, string connectionString, int port, int smtpPort, IReadOnlyDictionary<string, string> settings,
        bool demo = true)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppDirectory(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "Portico.dll", "--demo", "--urls", $"http://127.0.0.1:{port}", "--contentRoot", contentRoot }.Where(a => demo || a != "--demo"))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["Database__Provider"] = provider;
        start.Environment["Database__ConnectionString"] = connectionString;
        start.Environment["Smtp__Host"] = "127.0.0.1";
        start.Environment["Smtp__Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        var output = Output.GetValue(process, _ => new());
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }
            output.Enqueue(line);
            while (output.Count > 40 && output.TryDequeue(out _))
            {
            }
        }
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// What the app wrote last (up to 40 lines), for tests of how it stops.
    public static string LastOutput(Process process) =>
        string.Join('\n', Output.TryGetValue(process, out var lines) ? lines : []);

    /// The built app next to this test build (same configuration), as `dotnet Portico.dll` runs it.
    public static string AppDirectory()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Portico.slnx")))
        {
            directory = directory.Parent;
        }
        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("Repository root not found."),
            "src", "Portico", "bin", configuration, "net10.0");
    }

    /// Waits until the app answers its readiness check. Start-up migrates and seeds the demo data,
    /// which can take a while when the rest of the suite shares the machine's cores.
    public static async Task WaitReadyAsync(HttpClient http, Process process, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        while (deadline.Elapsed < limit)
        {
            Assert.False(process.HasExited, "The app exited during start-up. Its last output:\n"
                + string.Join('\n', Output.TryGetValue(process, out var lines) ? lines : []));
            try
            {
                if ((await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The app did not become ready within {limit.TotalSeconds:F0} s.");
    }
}
