namespace Portico.Tests.Outbox;

/// Runs the real app as a separate process, kills it with SIGKILL after it accepted a change
/// whose email was not yet sent, starts it again on the same database, and waits for the email.
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly SmtpSink _mail = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("portico-crash-").FullName;

    private Process Start(string connectionString, string provider, int port, bool outboxEnabled) =>
        AppProcess.Start(_directory, provider, connectionString, port, _mail.Port, new Dictionary<string, string>
        {
            ["Outbox__Enabled"] = outboxEnabled ? "true" : "false",
            ["Outbox__PollInterval"] = "00:00:00.200",
            ["LoginLimits__PerMinutePerAddress"] = "1000",
        });

    [Fact]
    public async Task A_queued_email_survives_a_kill_and_is_sent_after_restart()
    {
        var (provider, connectionString) = TestDatabase.CreateNew(_directory);
        var port = SmtpSink.FreePort();
        var victim = DemoData.Logins.First(l => l.What.StartsWith("Owner", StringComparison.Ordinal)).Email;

        using (var first = Start(connectionString, provider, port, outboxEnabled: false))
        {
            using var handler = new HttpClientHandler { UseCookies = true, AllowAutoRedirect = false };
            using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await AppProcess.WaitReadyAsync(http, first);
            using var client = new PorticoClient(http);
            for (var i = 0; i < 5; i++)
            {
                await client.LoginAsync(victim, "wrong-password-" + i);
            }
            var locked = await client.LoginAsync(victim, DemoData.Password);
            Assert.Contains("locked", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            first.Kill(); // SIGKILL: no shutdown hooks run
            await first.WaitForExitAsync();
        }
        Assert.Empty(_mail.Messages());

        using var second = Start(connectionString, provider, port, outboxEnabled: true);
        try
        {
            var email = await _mail.WaitForAsync(m => m.Contains(victim, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            Assert.Contains("Subject: Your sign-in was locked", email, StringComparison.Ordinal);
            await Task.Delay(1000);
            Assert.Single(_mail.Messages(), m => m.Contains(victim, StringComparison.Ordinal));
        }
        finally
        {
            second.Kill();
            await second.WaitForExitAsync();
        }
    }

    public void Dispose()
    {
        _mail.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
