namespace Portico.Tests.Operations;

/// Nodes on one database share the data-protection key ring; one started with another application name could read none of
/// the cookies, sessions and secrets the others protect, so it is refused before it serves anything.
public sealed class KeyRingNameTests
{
    [Fact]
    public async Task A_node_started_with_another_data_protection_name_is_refused_with_a_message_and_changes_nothing()
    {
        var directory = Directory.CreateTempSubdirectory("portico-keyring-").FullName;
        using var mail = new SmtpSink();
        try
        {
            var (provider, connectionString) = TestDatabase.CreateNew(directory);
            Process Start(int port, Dictionary<string, string> settings) =>
                AppProcess.Start(directory, provider, connectionString, port, mail.Port, settings, demo: false);

            // The first node records the name every later node is held to.
            var port = SmtpSink.FreePort();
            using (var first = Start(port, []))
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                await AppProcess.WaitReadyAsync(http, first);
                first.Kill();
                await first.WaitForExitAsync();
            }

            using (var other = Start(SmtpSink.FreePort(), new() { ["DataProtection__ApplicationName"] = "Portico West" }))
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await other.WaitForExitAsync(timeout.Token);
                await Task.Delay(200);
                var output = AppProcess.LastOutput(other);
                Assert.Equal(1, other.ExitCode);
                Assert.Contains("DataProtection:ApplicationName is \"Portico West\", but the nodes on this database use \"Portico\"", output, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            }

            // The refused node recorded nothing: a node with the first name still starts.
            port = SmtpSink.FreePort();
            using var again = Start(port, []);
            using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") })
            {
                await AppProcess.WaitReadyAsync(http, again);
            }
            again.Kill();
            await again.WaitForExitAsync();
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
