using Npgsql;

namespace Portico.Tests.Operations;

/// Rehearses docs/deploy.md's restore: deploy/backup on a live portal, deploy/restore into a new database and file
/// store, and the app started on them. PostgreSQL only (pg_dump), so in the category the SQLite run leaves out.
[Trait("Category", "Nodes")]
public sealed class BackupRestoreTests : IDisposable
{
    private readonly SmtpSink _mail = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("portico-restore-").FullName;
    private readonly List<Process> _apps = [];
    private readonly CookieContainer _cookies = new();

    private Process Start(string connectionString, string store, int port, bool demo)
    {
        var app = AppProcess.Start(_directory, "Postgres", connectionString, port, _mail.Port, new Dictionary<string, string>
        {
            ["Storage__LocalPath"] = store,
            ["LoginLimits__PerMinutePerAddress"] = "1000",
        }, demo);
        _apps.Add(app);
        return app;
    }

    /// One person's browser: the same cookies whichever port it calls.
    private PorticoClient At(int port) =>
        new(new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromMinutes(2),
        });

    /// Runs one of the deploy/ scripts with the app's settings in its environment, as an operator would.
    private static async Task<(int ExitCode, string Output)> RunAsync(string script, string folder, string connectionString, string store)
    {
        var root = Path.GetFullPath(Path.Combine(AppProcess.AppDirectory(), "..", "..", "..", "..", ".."));
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root, "deploy", script));
        start.ArgumentList.Add(folder);
        start.Environment["Database__ConnectionString"] = connectionString;
        start.Environment["Storage__Provider"] = "Local";
        start.Environment["Storage__LocalPath"] = store;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output + await errors);
    }

    private static async Task CreateEmptyDatabaseAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var name = builder.Database!;
        builder.Database = "postgres";
        await using var server = new NpgsqlConnection(builder.ConnectionString);
        await server.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
        await create.ExecuteNonQueryAsync();
    }

    private static byte[] Archive(int seed, int length)
    {
        var content = new byte[length];
        new Random(seed).NextBytes(content);
        "PK\u0003\u0004"u8.CopyTo(content);
        return content;
    }

    /// What the person sees, as the API answers it: their accounts, requests, one request's conversation, documents.
    private static async Task<string[]> WhatIsServedAsync(PorticoClient client, Guid account, Guid request) =>
    [
        await client.Http.GetStringAsync(new Uri("/api/me", UriKind.Relative)),
        await client.Http.GetStringAsync(new Uri($"/api/accounts/{account}/requests", UriKind.Relative)),
        await client.Http.GetStringAsync(new Uri($"/api/accounts/{account}/requests/{request}", UriKind.Relative)),
        await client.Http.GetStringAsync(new Uri(ApiPath(account), UriKind.Relative)),
    ];

    [Fact]
    public async Task A_backup_of_a_live_portal_restores_into_a_new_database_and_store_that_serve_the_same_data()
    {
        Assert.True(TestDatabase.IsPostgres, "The backup scripts work on PostgreSQL: run with PORTICO_TEST_DB=postgres (the test command does).");
        var (_, live) = TestDatabase.CreateNew(_directory);
        var liveStore = Path.Combine(_directory, "blobs");
        var port = SmtpSink.FreePort();
        var original = Start(live, liveStore, port, demo: true);
        using var client = At(port);
        await AppProcess.WaitReadyAsync(client.Http, original);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync("olivia@northwind.example", DemoData.Password)).StatusCode);
        var me = await client.Http.GetFromJsonAsync<MeDto>(new Uri("/api/me", UriKind.Relative));
        var account = me!.Accounts.Single(a => a.AccountName.Contains("Northwind", StringComparison.Ordinal)).AccountId;
        var folder = (await client.Http.GetFromJsonAsync<List<FolderDto>>(new Uri($"{ApiPath(account)}/folders", UriKind.Relative)))!.Single(f => f.Name == "General");

        // New data on top of the demo's: two documents and a reply on a request.
        var files = new Dictionary<string, byte[]>
        {
            [$"Contract {PorticoApp.Unique()}.zip"] = Archive(1, 3 * 1024 * 1024),
            [$"Scans {PorticoApp.Unique()}.zip"] = Archive(2, 200 * 1024),
        };
        foreach (var (name, content) in files)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.UploadByApiAsync(account, folder.Id, name, content)).StatusCode);
        }
        var requests = await client.Http.GetFromJsonAsync<RequestListDto>(new Uri($"/api/accounts/{account}/requests", UriKind.Relative));
        var request = requests!.Items[0].Id;
        var reply = await client.Http.PostAsJsonAsync(new Uri($"/api/accounts/{account}/requests/{request}/replies", UriKind.Relative),
            new ReplyDto("Written just before the backup " + PorticoApp.Unique(), null));
        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var served = await WhatIsServedAsync(client, account, request);

        // The backup runs while the app serves.
        var backup = Path.Combine(_directory, "backup");
        var backedUp = await RunAsync("backup", backup, live, liveStore);
        Assert.True(backedUp.ExitCode == 0, backedUp.Output);
        Assert.True(File.Exists(Path.Combine(backup, "portico.dump")) && File.Exists(Path.Combine(backup, "files.tar")), backedUp.Output);
        var afterBackup = $"After the backup {PorticoApp.Unique()}.zip";
        Assert.Equal(HttpStatusCode.Created, (await client.UploadByApiAsync(account, folder.Id, afterBackup, Archive(3, 1024))).StatusCode);
        original.Kill();
        await original.WaitForExitAsync();

        // Restored into a database and a store that share nothing with the original.
        var (_, restored) = TestDatabase.CreateNew(_directory);
        await CreateEmptyDatabaseAsync(restored);
        var restoredStore = Path.Combine(_directory, "blobs-restored");
        var restoring = await RunAsync("restore", backup, restored, restoredStore);
        Assert.True(restoring.ExitCode == 0, restoring.Output);
        // Run again, it refuses to write over what it restored.
        var again = await RunAsync("restore", backup, restored, restoredStore);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("restore into a new, empty database", again.Output, StringComparison.Ordinal);

        var restoredPort = SmtpSink.FreePort();
        var restoredApp = Start(restored, restoredStore, restoredPort, demo: false);
        using var afterRestore = At(restoredPort);
        await AppProcess.WaitReadyAsync(afterRestore.Http, restoredApp);

        // The person's session carries over (sessions and data-protection keys live in the database) and sees the same.
        Assert.Equal(served, await WhatIsServedAsync(afterRestore, account, request));
        var documents = await afterRestore.Http.GetFromJsonAsync<List<DocumentDto>>(new Uri(ApiPath(account), UriKind.Relative));
        Assert.DoesNotContain(documents!, d => d.Name == afterBackup);
        foreach (var document in documents!)
        {
            var detail = await afterRestore.Http.GetFromJsonAsync<DocumentDto>(new Uri($"{ApiPath(account)}/{document.Id}", UriKind.Relative));
            foreach (var version in detail!.VersionHistory!)
            {
                // The download checks the file's SHA-256 against the restored database as it streams.
                var download = await afterRestore.Http.GetAsync(new Uri(version.Url, UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, download.StatusCode);
                var content = await download.Content.ReadAsByteArrayAsync();
                Assert.Equal(version.Sha256, Sha256(content));
                if (files.TryGetValue(document.Name, out var uploaded))
                {
                    Assert.Equal(uploaded, content);
                }
            }
        }
        Assert.All(files.Keys, name => Assert.Contains(documents, d => d.Name == name));
    }

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            try { app.Kill(); app.WaitForExit(5000); } catch (InvalidOperationException) { }
            app.Dispose();
        }
        _mail.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
