namespace Portico.Tests.Documents;

/// Runs the real app as a separate process, kills it with SIGKILL while a large upload is
/// streaming into storage, and starts it again on the same database and storage folder.
public sealed class UploadCrashTests : IDisposable
{
    private readonly SmtpSink _mail = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("portico-upload-crash-").FullName;

    private string StorageRoot => Path.Combine(_directory, "blobs");

    private Process Start(string connectionString, string provider, int port) =>
        AppProcess.Start(_directory, provider, connectionString, port, _mail.Port, new Dictionary<string, string>
        {
            ["Storage__LocalPath"] = StorageRoot,
            // The shortest age the app accepts; the sweeper looks every second.
            ["Storage__OrphanAge"] = "00:01:00",
            ["Storage__SweepInterval"] = "00:00:01",
            ["LoginLimits__PerMinutePerAddress"] = "1000",
        });

    private static async Task<(PorticoClient Client, Guid AccountId, FolderDto Folder)> SignInAsync(int port, Process process)
    {
        var handler = new HttpClientHandler { UseCookies = true, AllowAutoRedirect = false };
        var http = new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        await AppProcess.WaitReadyAsync(http, process);
        var client = new PorticoClient(http);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync("olivia@northwind.example", DemoData.Password)).StatusCode);
        var me = await http.GetFromJsonAsync<MeDto>(new Uri("/api/me", UriKind.Relative));
        var accountId = me!.Accounts.Single(a => a.AccountName.Contains("Northwind", StringComparison.Ordinal)).AccountId;
        var folders = await http.GetFromJsonAsync<List<FolderDto>>(new Uri($"{ApiPath(accountId)}/folders", UriKind.Relative));
        return (client, accountId, folders!.Single(f => f.Name == "General"));
    }

    [Fact]
    public async Task A_kill_during_a_streamed_upload_leaves_no_version_and_the_sweeper_removes_the_partial_after_restart()
    {
        var (provider, connectionString) = TestDatabase.CreateNew(_directory);
        var port = SmtpSink.FreePort();
        var name = "Warehouse export " + PorticoApp.Unique() + ".txt";
        string partial;
        int documentsBefore;

        using (var first = Start(connectionString, provider, port))
        {
            var (signedIn, accountId, folder) = await SignInAsync(port, first);
            using var client = signedIn;
            documentsBefore = folder.Documents;
            Assert.True(folder.CanUpload);
            var before = FilesUnder(StorageRoot);

            // A gigabyte, 64 KiB every 20 ms: far from done when the process dies.
            var stream = new SlowStream(1L << 30, chunk: 64 * 1024, delay: TimeSpan.FromMilliseconds(20));
            var body = new StreamContent(stream);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            var upload = client.UploadByApiAsync(accountId, folder.Id, name, body);

            partial = await GrowingPartialAsync(before, minimumBytes: 1024 * 1024);
            first.Kill(); // SIGKILL: no shutdown hooks, no cleanup
            await first.WaitForExitAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => upload);
        }
        Assert.True(File.Exists(partial), "The killed upload should have left its partial file behind.");
        Assert.False(File.Exists(partial[..^".partial".Length]));

        using var second = Start(connectionString, provider, port);
        try
        {
            var (signedIn, accountId, folder) = await SignInAsync(port, second);
            using var client = signedIn;

            // No version of the broken upload is visible anywhere.
            Assert.Equal(documentsBefore, folder.Documents);
            var documents = await client.Http.GetFromJsonAsync<List<DocumentDto>>(new Uri(ApiPath(accountId), UriKind.Relative));
            Assert.DoesNotContain(documents!, d => d.Name == name);
            var folderPage = await client.GetPageAsync(FolderPath(accountId, folder.Id));
            Assert.DoesNotContain(name, folderPage.Body!.TextContent, StringComparison.Ordinal);

            // Younger than Storage:OrphanAge it stays: the sweeper cannot tell it from an upload in progress.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.True(File.Exists(partial), "A partial younger than the orphan age was removed.");

            // Once it is older than that, the next sweep removes it; the demo's own files stay.
            File.SetLastWriteTimeUtc(partial, DateTime.UtcNow - TimeSpan.FromMinutes(2));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (File.Exists(partial) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            Assert.False(File.Exists(partial), "The sweeper did not remove the leftover partial upload.");
            Assert.DoesNotContain(FilesUnder(StorageRoot), f => f.EndsWith(".partial", StringComparison.Ordinal));
            var guide = documents!.Single(d => d.Name == "Getting started.txt");
            var detail = await client.Http.GetFromJsonAsync<DocumentDto>(new Uri($"{ApiPath(accountId)}/{guide.Id}", UriKind.Relative));
            var download = await client.Http.GetAsync(new Uri(detail!.VersionHistory!.Single().Url, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Contains("Welcome to the", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // And the folder still takes uploads.
            var retry = await client.UploadByApiAsync(accountId, folder.Id, name, Text("The export, complete this time."));
            Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
            Assert.Equal(1, (await retry.Content.ReadFromJsonAsync<DocumentDto>())!.Versions);
        }
        finally
        {
            second.Kill();
            await second.WaitForExitAsync();
        }
    }

    /// A new partial file in the storage folder that has grown past the given size.
    private async Task<string> GrowingPartialAsync(HashSet<string> before, long minimumBytes)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var partial = FilesUnder(StorageRoot).Except(before).FirstOrDefault(f => f.EndsWith(".partial", StringComparison.Ordinal));
            if (partial is not null && new FileInfo(partial).Length >= minimumBytes)
            {
                return partial;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("The upload did not reach the storage folder.");
    }

    public void Dispose()
    {
        _mail.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
