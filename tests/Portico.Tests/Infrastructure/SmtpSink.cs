using System.Net.Sockets;

namespace Portico.Tests.Infrastructure;

/// A real SMTP server (postfix's smtp-sink) that writes every message it accepts to a file.
public sealed class SmtpSink : IDisposable
{
    private readonly Process _process;

    public int Port { get; }
    public string Directory { get; }

    /// With a delay, each message's DATA is answered that many seconds late, as by a slow mail server.
    public SmtpSink(int dataDelaySeconds = 0)
    {
        Directory = Path.Combine(Path.GetTempPath(), "portico-mail-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            // smtp-sink drops root for "nobody", which must be able to write here.
            File.SetUnixFileMode(Directory, (UnixFileMode)0b111_111_111);
        }
        Port = FreePort();
        var start = new ProcessStartInfo("smtp-sink")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        string[] delay = dataDelaySeconds > 0 ? ["-w", dataDelaySeconds.ToString(CultureInfo.InvariantCulture)] : [];
        foreach (var arg in delay.Concat(["-u", "nobody", "-d", Path.Combine(Directory, "%Y%m%d%H%M%S."), $"127.0.0.1:{Port}", "64"]))
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("smtp-sink did not start. Install postfix (the test command does).");
        WaitUntilListening();
    }

    public IReadOnlyList<string> Messages() =>
        System.IO.Directory.GetFiles(Directory).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();

    /// Waits for a message for which the predicate holds; fails the test after the timeout.
    public async Task<string> WaitForAsync(Func<string, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            foreach (var file in System.IO.Directory.GetFiles(Directory).Order(StringComparer.Ordinal))
            {
                var text = File.ReadAllText(file);
                if (!Matches(predicate, text))
                {
                    continue;
                }
                // smtp-sink writes a message as it receives it; a file that still grows may cut a link short.
                await Task.Delay(50);
                if (File.ReadAllText(file) == text)
                {
                    return text;
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No matching email arrived; {Messages().Count} message(s) received.");
    }

    /// A message still being written may not parse yet; it is looked at again on the next pass.
    private static bool Matches(Func<string, bool> predicate, string text)
    {
        try
        {
            return predicate(text);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private void WaitUntilListening() => WaitUntilListening(_process, Port, "smtp-sink", 100);

    /// Waits until a test server started as a process accepts connections on its loopback port.
    public static void WaitUntilListening(Process process, int port, string name, int tries)
    {
        for (var i = 0; i < tries; i++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{name} exited: " + process.StandardError.ReadToEnd());
                }
                Thread.Sleep(50);
            }
        }
        throw new InvalidOperationException($"{name} did not listen in time.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        ServerProcess.Stop(_process, Directory);
    }
}
