using System.Net.Sockets;
using Portico.Tests.Documents;
using Npgsql;

namespace Portico.Tests.Operations;

/// Two app processes on one PostgreSQL database behind nginx (round-robin, no sticky sessions), started together on
/// an empty database, with a mail server that takes a second per message so deliveries overlap the test's steps.
public sealed class TwoNodes : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portico-nodes-").FullName;
    private string _connectionString = "";

    public SmtpSink Mail { get; } = new(dataDelaySeconds: 1);
    public int[] Ports { get; } = [SmtpSink.FreePort(), SmtpSink.FreePort()];
    public Process[] Nodes { get; } = new Process[2];
    public Nginx Proxy { get; private set; } = null!;
    public IReadOnlyList<string> AppliedMigrations { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Assert.True(TestDatabase.IsPostgres, "Several nodes share one PostgreSQL database: run with PORTICO_TEST_DB=postgres (the test command does).");
        (_, _connectionString) = TestDatabase.CreateNew(_directory);
        // The database exists and is empty, as an operator creates it; the nodes make the schema.
        var builder = new NpgsqlConnectionStringBuilder(_connectionString);
        var name = builder.Database!;
        builder.Database = "postgres";
        await using (var server = new NpgsqlConnection(builder.ConnectionString))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
            await create.ExecuteNonQueryAsync();
        }
        Proxy = new Nginx(Ports);
        // Both at the same moment: one seeds the demo data, both migrate.
        Nodes[0] = Start(0, demo: true);
        Nodes[1] = Start(1, demo: false);
        await Task.WhenAll(Enumerable.Range(0, 2).Select(WaitReadyAsync));
        await using var db = Database();
        AppliedMigrations = (await db.Database.GetAppliedMigrationsAsync()).ToList();
    }

    /// The operator's view of the shared database: every account's rows.
    public PostgresPorticoDb Database()
    {
        var accounts = new AccountContext();
        accounts.EnterCrossAccount();
        return new(new DbContextOptionsBuilder<PostgresPorticoDb>().UseNpgsql(_connectionString).Options, accounts);
    }

    /// The shared storage folder both nodes write to.
    public string BlobRoot => Path.Combine(_directory, "blobs");

    public Process Start(int node, bool demo = false) =>
        AppProcess.Start(Directory.CreateDirectory(Path.Combine(_directory, "node" + node)).FullName, "Postgres", _connectionString, Ports[node], Mail.Port, new Dictionary<string, string>
        {
            ["Proxy__KnownProxies__0"] = Nginx.ProxyAddress,
            // One folder for both, as a shared file system would be; S3 is the other way (ADR 0019).
            ["Storage__LocalPath"] = BlobRoot,
            // The shortest age the app accepts, and a sweep every second, so a killed upload's leftover is seen to go.
            ["Storage__OrphanAge"] = "00:01:00",
            ["Storage__SweepInterval"] = "00:00:01",
            ["Outbox__PollInterval"] = "00:00:00.200",
            // A killed node's claimed message waits this long before the other node takes it.
            ["Outbox__Lease"] = "00:00:10",
            ["ApiLimits__PerMinutePerUser"] = "12",
            ["LoginLimits__PerMinutePerAddress"] = "1000",
            ["Branding__PublicUrl"] = Proxy.Address.ToString().TrimEnd('/'),
        }, demo);

    public async Task WaitReadyAsync(int node)
    {
        using var http = new HttpClient { BaseAddress = NodeAddress(node) };
        await AppProcess.WaitReadyAsync(http, Nodes[node]);
    }

    public Uri NodeAddress(int node) => new($"http://127.0.0.1:{Ports[node]}");

    public Task DisposeAsync()
    {
        foreach (var node in Nodes.Where(n => n is not null))
        {
            try { node.Kill(); node.WaitForExit(5000); } catch (InvalidOperationException) { }
            node.Dispose();
        }
        Proxy?.Dispose();
        Mail.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}

[Trait("Category", "Nodes")]
public sealed class TwoNodeTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    /// A browser of one person: one cookie jar whichever address it calls (cookies ignore the port).
    private sealed class Browser(CookieContainer? cookies = null, string? from = null)
    {
        public CookieContainer Cookies { get; } = cookies ?? new CookieContainer();

        public PorticoClient At(Uri address) => new(new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = Cookies,
            AllowAutoRedirect = false,
            // A client of its own loopback address, so the node can tell it from the proxy.
            ConnectCallback = from is null ? null : async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) });
    }

    private static async Task<Browser> SignInAsync(Uri through, string email, string? from = null)
    {
        var browser = new Browser(from: from);
        using var client = browser.At(through);
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(email, DemoData.Password)).StatusCode);
        return browser;
    }

    private static async Task<HttpStatusCode> MeAsync(PorticoClient client) =>
        (await client.Http.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode;

    [Fact]
    public void Both_nodes_started_together_on_an_empty_database_and_the_migrations_ran_once()
    {
        using var db = nodes.Database();
        Assert.Equal(db.Database.GetMigrations(), nodes.AppliedMigrations);
        Assert.All(nodes.Nodes, n => Assert.False(n.HasExited, "A node stopped:\n" + AppProcess.LastOutput(n)));
    }

    [Fact]
    public async Task A_person_signed_in_through_one_node_works_through_the_other_and_through_the_proxy()
    {
        var olivia = await SignInAsync(nodes.NodeAddress(0), "olivia@northwind.example");
        using var second = olivia.At(nodes.NodeAddress(1));
        var me = await second.Http.GetFromJsonAsync<MeDto>(new Uri("/api/me", UriKind.Relative));
        var account = me!.Accounts.Single(a => a.AccountName.Contains("Northwind", StringComparison.Ordinal)).AccountId;
        var folders = await second.Http.GetFromJsonAsync<List<FolderDto>>(new Uri($"{ApiPath(account)}/folders", UriKind.Relative));
        var content = Encoding.UTF8.GetBytes("Uploaded through the second node " + PorticoApp.Unique());
        var upload = await second.UploadByApiAsync(account, folders!.Single(f => f.Name == "General").Id, $"From node two {PorticoApp.Unique()}.txt", content);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var document = await upload.Content.ReadFromJsonAsync<DocumentDto>();

        using var first = olivia.At(nodes.NodeAddress(0));
        var detail = await first.Http.GetFromJsonAsync<DocumentDto>(new Uri($"{ApiPath(account)}/{document!.Id}", UriKind.Relative));
        var download = await first.Http.GetAsync(new Uri(detail!.VersionHistory!.Single().Url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());

        // Through the proxy the pages alternate between the nodes; a form from one posts to the other.
        using var proxied = olivia.At(nodes.Proxy.Address);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await proxied.Http.GetAsync(new Uri($"/a/{account}/documents", UriKind.Relative))).StatusCode);
        }
        var profile = await proxied.GetPageAsync("/account/profile");
        var saved = await proxied.PostFormAsync("/account/profile", profile, new Dictionary<string, string>
        {
            ["Form.DisplayName"] = "Olivia Owner",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
    }

    [Fact]
    public async Task A_session_ended_on_one_node_is_refused_by_the_other_within_a_second()
    {
        var vera = await SignInAsync(nodes.NodeAddress(0), "vera@northwind.example");
        var cookie = vera.Cookies.GetCookieHeader(nodes.NodeAddress(0));
        using var otherNode = new HttpClient { BaseAddress = nodes.NodeAddress(1) };
        otherNode.DefaultRequestHeaders.Add("Cookie", cookie);
        // The other node has read the session and keeps it for up to 20 seconds unless told.
        Assert.Equal(HttpStatusCode.OK, (await otherNode.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);

        using (var first = vera.At(nodes.NodeAddress(0)))
        {
            var page = await first.GetPageAsync("/account/profile");
            Assert.Equal(HttpStatusCode.Redirect, (await first.PostFormAsync("/logout", page, new Dictionary<string, string>())).StatusCode);
        }

        var clock = Stopwatch.StartNew();
        var status = HttpStatusCode.OK;
        while (clock.Elapsed < TimeSpan.FromSeconds(5) && status == HttpStatusCode.OK)
        {
            status = (await otherNode.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode;
            if (status == HttpStatusCode.OK)
            {
                await Task.Delay(50);
            }
        }
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"The other node refused the ended session only after {clock.Elapsed.TotalMilliseconds:F0} ms.");
    }

    [Fact]
    public async Task A_persons_api_budget_holds_across_both_nodes()
    {
        await SharedRateLimitWindow();
        var bill = await SignInAsync(nodes.NodeAddress(0), "bill@northwind.example");
        using var proxied = bill.At(nodes.Proxy.Address);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            statuses.Add(await MeAsync(proxied));
        }
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));

        // Each node served about half, yet the budget of 12 is spent on both.
        using var first = bill.At(nodes.NodeAddress(0));
        using var second = bill.At(nodes.NodeAddress(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, await MeAsync(first));
        Assert.Equal(HttpStatusCode.TooManyRequests, await MeAsync(second));
        Assert.Equal(HttpStatusCode.TooManyRequests, await MeAsync(proxied));
    }

    private static Task SharedRateLimitWindow() => Web.SharedRateLimitTests.WindowWithRoomAsync();

    [Fact]
    public async Task Forwarded_addresses_are_believed_from_the_proxy_only()
    {
        // Through nginx from 127.0.0.3: the node sees the proxy's connection and believes its X-Forwarded-For.
        var proxied = await SignInAsync(nodes.Proxy.Address, "rita@contoso.example", from: "127.0.0.3");
        // Straight to a node with a made-up header: not from the proxy, so the header is ignored.
        var direct = new Browser();
        using (var client = direct.At(nodes.NodeAddress(1)))
        {
            var page = await client.GetPageAsync("/login");
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/login", UriKind.Relative))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["Form.Email"] = "rita@contoso.example",
                    ["Form.Password"] = DemoData.Password,
                    ["__RequestVerificationToken"] = PorticoClient.Token(page),
                }),
            };
            request.Headers.Add("X-Forwarded-For", "127.0.0.9");
            Assert.Equal(HttpStatusCode.Redirect, (await client.Http.SendAsync(request)).StatusCode);
        }
        Assert.NotEmpty(proxied.Cookies.GetAllCookies());

        await using var db = nodes.Database();
        var addresses = await db.UserSessions.Where(s => db.Users.Any(u => u.Id == s.UserId && u.Email == "rita@contoso.example"))
            .Select(s => s.IpAddress).ToListAsync();
        Assert.Contains("127.0.0.3", addresses);
        Assert.Contains("127.0.0.1", addresses);
        Assert.DoesNotContain("127.0.0.9", addresses);
        Assert.DoesNotContain(Nginx.ProxyAddress, addresses);
    }

    private async Task<int> AskForResetsAsync(string email, int times)
    {
        var anonymous = new Browser();
        using var proxied = anonymous.At(nodes.Proxy.Address);
        for (var i = 0; i < times; i++)
        {
            var page = await proxied.GetPageAsync("/account/forgot-password");
            var answer = await proxied.PostFormAsync("/account/forgot-password", page, new Dictionary<string, string> { ["Email"] = email });
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"Asking for a reset answered {answer.StatusCode} {answer.Headers.Location}");
        }
        return times;
    }

    private int MessagesTo(string email) => nodes.Mail.Messages().Count(m => m.Contains("To: " + email, StringComparison.OrdinalIgnoreCase)
        || m.Contains("<" + email + ">", StringComparison.OrdinalIgnoreCase));

    private async Task WaitForMessagesAsync(string email, int count, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (MessagesTo(email) < count && clock.Elapsed < within)
        {
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task With_both_nodes_polling_each_email_is_delivered_once()
    {
        const string email = "casey@consulting.example";
        var asked = await AskForResetsAsync(email, 8);

        await WaitForMessagesAsync(email, asked, TimeSpan.FromSeconds(40));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(asked, MessagesTo(email));
    }

    [Fact]
    public async Task A_node_killed_during_an_email_delivery_loses_no_email()
    {
        const string email = "audrey@audit.example";
        var asked = await AskForResetsAsync(email, 6);
        // The mail server takes a second per message: once the first arrived, the nodes are in the middle of others.
        await WaitForMessagesAsync(email, 1, TimeSpan.FromSeconds(30));
        var killed = nodes.Nodes[0];
        killed.Kill(); // SIGKILL: no shutdown hooks run
        await killed.WaitForExitAsync();
        try
        {
            await WaitForMessagesAsync(email, asked, TimeSpan.FromSeconds(40));
            Assert.True(MessagesTo(email) >= asked, $"{asked} emails were asked for, {MessagesTo(email)} arrived.");
            await using var db = nodes.Database();
            Assert.Equal(0, await db.OutboxMessages.CountAsync(m => m.DeliveredAt == null && m.FailedAt == null));
        }
        finally
        {
            killed.Dispose();
            nodes.Nodes[0] = nodes.Start(0);
            await nodes.WaitReadyAsync(0);
        }
    }

    /// The node that holds the file open for writing: the one the proxy gave the upload to.
    private int WriterOf(string path) =>
        Array.FindIndex(nodes.Nodes, node =>
        {
            try
            {
                return Directory.EnumerateFileSystemEntries($"/proc/{node.Id}/fd").Any(fd => new FileInfo(fd).LinkTarget == path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false; // a descriptor closed while it was read
            }
        });

    [Fact]
    public async Task A_node_killed_during_an_upload_through_the_proxy_loses_nothing_and_the_retry_lands_intact()
    {
        var olivia = await SignInAsync(nodes.Proxy.Address, "olivia@northwind.example");
        using var proxied = olivia.At(nodes.Proxy.Address);
        var me = await proxied.Http.GetFromJsonAsync<MeDto>(new Uri("/api/me", UriKind.Relative));
        var account = me!.Accounts.Single(a => a.AccountName.Contains("Northwind", StringComparison.Ordinal)).AccountId;
        var folder = (await proxied.Http.GetFromJsonAsync<List<FolderDto>>(new Uri($"{ApiPath(account)}/folders", UriKind.Relative)))!.Single(f => f.Name == "General");
        var name = $"Warehouse archive {PorticoApp.Unique()}.zip";
        var before = FilesUnder(nodes.BlobRoot);

        // A gigabyte, 64 KiB every 5 ms through nginx (which streams request bodies): far from done when its node dies.
        var body = new StreamContent(new SlowStream(1L << 30, chunk: 64 * 1024, delay: TimeSpan.FromMilliseconds(5)));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var upload = proxied.UploadByApiAsync(account, folder.Id, name, body);
        var (partial, writer) = await PartialBeingWrittenAsync(before);
        var killed = nodes.Nodes[writer];
        killed.Kill(); // SIGKILL: no shutdown hooks, no cleanup
        await killed.WaitForExitAsync();
        try
        {
            try
            {
                Assert.NotEqual(HttpStatusCode.Created, (await upload).StatusCode);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
            }

            // Nothing half-written became visible: no document, no version, no finished blob under the upload's key.
            var key = Path.GetFileName(partial)[..^".partial".Length];
            Assert.True(File.Exists(partial), "The killed upload should have left its partial file behind.");
            Assert.False(File.Exists(partial[..^".partial".Length]));
            await using (var db = nodes.Database())
            {
                Assert.False(await db.Documents.AnyAsync(d => d.Name == name));
                Assert.False(await db.DocumentVersions.AnyAsync(v => v.StorageKey == key));
            }

            // The other node keeps serving, through the proxy and directly.
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await proxied.Http.GetAsync(new Uri($"/a/{account}/documents", UriKind.Relative))).StatusCode);
            }
            using (var survivor = olivia.At(nodes.NodeAddress(1 - writer)))
            {
                Assert.Equal(HttpStatusCode.OK, await MeAsync(survivor));
            }

            // The person tries again through the proxy and gets back exactly what they sent.
            var content = new byte[48 * 1024 * 1024];
            new Random(19).NextBytes(content);
            "PK\u0003\u0004"u8.CopyTo(content);
            var retry = await proxied.UploadByApiAsync(account, folder.Id, name, content);
            Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
            var document = await retry.Content.ReadFromJsonAsync<DocumentDto>();
            Assert.Equal(1, document!.Versions);
            var detail = await proxied.Http.GetFromJsonAsync<DocumentDto>(new Uri($"{ApiPath(account)}/{document.Id}", UriKind.Relative));
            var version = detail!.VersionHistory!.Single();
            Assert.Equal(Sha256(content), version.Sha256);
            using var download = await proxied.Http.GetAsync(new Uri(version.Url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            await using (var received = await download.Content.ReadAsStreamAsync())
            {
                Assert.Equal(Sha256(content), Convert.ToHexStringLower(await SHA256.HashDataAsync(received)));
            }

            // Once older than Storage:OrphanAge the surviving node's sweeper removes the leftover.
            File.SetLastWriteTimeUtc(partial, DateTime.UtcNow - TimeSpan.FromMinutes(2));
            var clock = Stopwatch.StartNew();
            while (File.Exists(partial) && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
            Assert.False(File.Exists(partial), "The sweeper did not remove the killed upload's partial file.");
            Assert.DoesNotContain(FilesUnder(nodes.BlobRoot), f => f.EndsWith(".partial", StringComparison.Ordinal));
        }
        finally
        {
            killed.Dispose();
            nodes.Nodes[writer] = nodes.Start(writer);
            await nodes.WaitReadyAsync(writer);
        }
    }

    /// A new partial file past its first mebibyte, and the node writing it.
    private async Task<(string Partial, int Node)> PartialBeingWrittenAsync(HashSet<string> before)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var partial = FilesUnder(nodes.BlobRoot).Except(before).FirstOrDefault(f => f.EndsWith(".partial", StringComparison.Ordinal));
            if (partial is not null && new FileInfo(partial).Length >= 1024 * 1024 && WriterOf(partial) is var node and >= 0)
            {
                return (partial, node);
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("The upload did not reach the storage folder.");
    }
}
