using Microsoft.Extensions.Logging;
using Portico.Features.Staff;

namespace Portico.Tests.Staff;

/// Keeps what the app logs at Warning and above, to see what an operator would see.
public sealed class WarningLog : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(Lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue(formatter(state, exception));
            }
        }
    }
}

/// A fresh database (so no staff Admin exists) and a clock the test moves.
public sealed class EmptyPortalApp : ClockApp
{
    public WarningLog Log { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        base.ConfigureTestServices(services);
        services.AddSingleton<ILoggerProvider>(Log);
    }
}

public sealed class FirstAdminTests : OwnAppTests<EmptyPortalApp>
{
    private FirstAdminLink Printed => App.Services.GetRequiredService<FirstAdminLink>();

    private static string PathOf(string link) => new Uri(link).PathAndQuery;

    private Task<int> AdminCountAsync() => App.WithDbAsync((db, _) => db.Users.CountAsync(u => u.StaffRole == StaffRole.Admin));

    private static Dictionary<string, string> AdminForm(string email, string password = PorticoApp.Password, string? confirm = null) => new()
    {
        ["Admin.Name"] = "Ana Admin", ["Admin.Email"] = email, ["Admin.Password"] = password, ["Admin.ConfirmPassword"] = confirm ?? password,
    };

    /// Posts the first-Admin form with an antiforgery token from the sign-in page, which works whatever the link answers.
    private static async Task<HttpResponseMessage> PostAsync(PorticoClient client, string path, string handler, Dictionary<string, string> fields) =>
        await client.PostFormAsync($"{path}?handler={handler}", await client.GetPageAsync("/login"), fields);

    private static async Task<string> ProblemAsync(HttpResponseMessage response) =>
        (await PorticoClient.ParseAsync(response)).QuerySelector("[data-testid=setup-problem]")?.TextContent ?? "";

    /// The link answers 410 with a page saying why, and the form posted to it anyway creates nobody.
    private static async Task AssertGoneAsync(PorticoClient client, string path, string why)
    {
        var opened = await client.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, opened.StatusCode);
        Assert.Contains(why, await ProblemAsync(opened), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, (await PostAsync(client, path, "Create", AdminForm($"eve-{PorticoApp.Unique()}@example.com"))).StatusCode);
    }

    [Fact]
    public async Task Start_up_on_an_empty_database_prints_a_link_that_creates_the_first_admin_who_then_opens_the_staff_console()
    {
        var link = Printed.Current;
        Assert.NotNull(link);
        Assert.StartsWith("http://localhost:5000/setup/", link, StringComparison.Ordinal);
        Assert.Contains(App.Log.Lines, l => l.Contains(link, StringComparison.Ordinal));

        using var client = App.Anonymous();
        var page = await client.GetPageAsync(PathOf(link));
        Assert.NotNull(page.QuerySelector("input[name='Admin.Email']"));
        var email = $"ana-{PorticoApp.Unique()}@example.com";
        var created = await client.PostFormAsync(PathOf(link) + "?handler=Create", page, AdminForm(email));

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/account/security", created.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri("/account/security", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri("/staff", UriKind.Relative))).StatusCode);
        var admin = await App.WithDbAsync((db, _) => db.Users.SingleAsync(u => u.StaffRole == StaffRole.Admin));
        Assert.Equal((email, "Ana Admin"), (admin.Email, admin.DisplayName));
        Assert.True(await App.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e =>
            e.Action == AuditActions.StaffAdminCreated && e.TargetId == admin.Id.ToString() && e.ActorUserId == admin.Id)));
        // The password chosen on the page signs them in later.
        using var again = await App.SignInAsync(admin);
        Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync(new Uri("/staff", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_used_link_is_refused_and_creates_no_second_admin()
    {
        var path = PathOf(Printed.Current!);
        using var first = App.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(first, path, "Create", AdminForm($"ana-{PorticoApp.Unique()}@example.com"))).StatusCode);

        using var second = App.Anonymous();
        await AssertGoneAsync(second, path, "already");
        Assert.Equal(1, await AdminCountAsync());
        Assert.True(await App.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.SetupLinkRefused)));
    }

    [Fact]
    public async Task The_link_works_for_an_hour_and_is_refused_after()
    {
        var path = PathOf(Printed.Current!);
        using var client = App.Anonymous();
        App.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);

        App.Clock.Advance(TimeSpan.FromMinutes(2));
        await AssertGoneAsync(client, path, "expired");
        Assert.Equal(0, await AdminCountAsync());
    }

    [Fact]
    public async Task An_altered_link_is_refused()
    {
        var path = PathOf(Printed.Current!);
        var altered = path[..^1] + (path[^1] == 'A' ? 'B' : 'A');
        using var client = App.Anonymous();
        foreach (var wrong in new[] { altered, path + "x", "/setup/" + Guid.NewGuid() })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(new Uri(wrong, UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, wrong, "Create", AdminForm($"ana-{PorticoApp.Unique()}@example.com"))).StatusCode);
        }
        Assert.Equal(0, await AdminCountAsync());
    }

    [Fact]
    public async Task Once_an_admin_exists_the_link_creates_no_other_and_a_restart_prints_none()
    {
        var path = PathOf(Printed.Current!);
        await App.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = App.Anonymous();

        await AssertGoneAsync(client, path, "already has a staff Admin");
        Assert.Equal(1, await AdminCountAsync());

        Assert.Null(await Printed.IssueAsync(default));
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_restart_without_an_admin_prints_a_fresh_link_and_the_old_one_stops_working()
    {
        var old = PathOf(Printed.Current!);
        var fresh = PathOf((await Printed.IssueAsync(default))!);
        Assert.NotEqual(old, fresh);
        using var client = App.Anonymous();

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, old, "Create", AdminForm($"old-{PorticoApp.Unique()}@example.com"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, fresh, "Create", AdminForm($"new-{PorticoApp.Unique()}@example.com"))).StatusCode);
        Assert.Equal(1, await AdminCountAsync());
    }

    [Fact]
    public async Task Two_people_posting_the_same_link_at_once_create_one_admin()
    {
        var path = PathOf(Printed.Current!);
        var clients = Enumerable.Range(0, 4).Select(_ => App.Anonymous()).ToList();
        var pages = await Task.WhenAll(clients.Select(c => c.GetPageAsync(path)));

        var answers = await Task.WhenAll(clients.Select((c, i) =>
            c.PostFormAsync(path + "?handler=Create", pages[i], AdminForm($"racer-{i}-{PorticoApp.Unique()}@example.com"))));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Redirect);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Redirect), a => Assert.Equal(HttpStatusCode.Gone, a.StatusCode));
        Assert.Equal(1, await AdminCountAsync());
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task A_weak_or_repeated_wrongly_password_is_refused_and_the_link_still_works()
    {
        var path = PathOf(Printed.Current!);
        using var client = App.Anonymous();
        var email = $"ana-{PorticoApp.Unique()}@example.com";

        var weak = await PostAsync(client, path, "Create", AdminForm(email, "short"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, weak.StatusCode);
        Assert.Contains("at least 12 characters", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var mismatch = await PostAsync(client, path, "Create", AdminForm(email, PorticoApp.Password, PorticoApp.Password + "x"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mismatch.StatusCode);
        Assert.Contains("do not match", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await AdminCountAsync());

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, path, "Create", AdminForm(email))).StatusCode);
    }

    private async Task<(int Exit, string Output, string Error)> AdminCreateAsync(params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AdminCommand.RunAsync(App.Services, ["admin", "create", .. options], output, error, default);
        return (exit, output.ToString(), error.ToString());
    }

    private static string LinkIn(string output) =>
        new Uri(output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("http", StringComparison.Ordinal))).PathAndQuery;

    [Fact]
    public async Task The_admin_create_command_adds_an_admin_whose_printed_link_sets_their_password_once()
    {
        var email = $"ana-{PorticoApp.Unique()}@example.com";
        var (exit, output, _) = await AdminCreateAsync("--email", email, "--name", "Ana");
        Assert.Equal(0, exit);
        var admin = await App.WithDbAsync((db, _) => db.Users.SingleAsync(u => u.Email == email));
        Assert.Equal((StaffRole.Admin, "Ana", null), (admin.StaffRole, admin.DisplayName, admin.PasswordHash));
        Assert.True(await App.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.StaffAdminCreated && e.TargetId == admin.Id.ToString())));

        var path = LinkIn(output);
        using var client = App.Anonymous();
        var page = await client.GetPageAsync(path);
        Assert.Contains(email, page.Body!.TextContent, StringComparison.Ordinal);
        var set = await client.PostFormAsync(path + "?handler=Password", page,
            new Dictionary<string, string> { ["NewPassword.Password"] = PorticoApp.Password, ["NewPassword.ConfirmPassword"] = PorticoApp.Password });
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal("/account/security", set.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync(new Uri("/staff", UriKind.Relative))).StatusCode);
        using (await App.SignInAsync(admin))
        {
        }

        // Once only; and the start-up link no longer makes a first Admin, as there is one.
        using var other = App.Anonymous();
        Assert.Equal(HttpStatusCode.Gone, (await PostAsync(other, path, "Password",
            new Dictionary<string, string> { ["NewPassword.Password"] = "Another-password-2026", ["NewPassword.ConfirmPassword"] = "Another-password-2026" })).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await other.Http.GetAsync(new Uri(PathOf(Printed.Current!), UriKind.Relative))).StatusCode);

        // Operators may add further Admins with it.
        Assert.Equal(0, (await AdminCreateAsync("--email", $"bob-{PorticoApp.Unique()}@example.com")).Exit);
        Assert.Equal(2, await AdminCountAsync());
    }

    [Fact]
    public async Task The_commands_link_works_for_24_hours()
    {
        var (_, output, _) = await AdminCreateAsync("--email", $"ana-{PorticoApp.Unique()}@example.com");
        using var client = App.Anonymous();
        App.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));

        var opened = await client.Http.GetAsync(new Uri(LinkIn(output), UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, opened.StatusCode);
        Assert.Contains("expired", await ProblemAsync(opened), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_refuses_an_address_that_belongs_to_someone_and_a_missing_or_bad_one()
    {
        var customer = await App.CreateUserAsync();

        var (exit, output, error) = await AdminCreateAsync("--email", customer.Email!.ToUpperInvariant());
        Assert.NotEqual(0, exit);
        Assert.Contains("already belongs to a person", error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Null((await App.WithDbAsync((db, _) => db.Users.SingleAsync(u => u.Id == customer.Id))).StaffRole);

        Assert.NotEqual(0, (await AdminCreateAsync("--email", "not an address")).Exit);
        Assert.NotEqual(0, (await AdminCreateAsync()).Exit);
        Assert.Equal(0, await AdminCountAsync());
    }
}

/// The command as an operator runs it: the built app as its own process, on a fresh database.
public sealed class AdminCommandProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portico-admin-command-").FullName;

    private async Task<(int Exit, string Output, string Error)> RunAsync(string provider, string connectionString, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppProcess.AppDirectory(), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var argument in (string[])["Portico.dll", .. arguments, "--contentRoot", _directory])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["Database__Provider"] = provider;
        start.Environment["Database__ConnectionString"] = connectionString;
        start.Environment["Branding__PublicUrl"] = "https://portal.example.com";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // Exiting at all shows the web server never started: it would run until stopped.
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Run_as_a_command_it_creates_an_admin_prints_the_link_and_exits_and_refuses_the_same_address_again()
    {
        var (provider, connectionString) = TestDatabase.CreateNew(_directory);
        var email = $"ana-{PorticoApp.Unique()}@example.com";

        var (exit, output, error) = await RunAsync(provider, connectionString, "admin", "create", "--email", email, "--name", "Ana Admin");
        Assert.True(exit == 0, output + error);
        Assert.Contains($"Created staff Admin {email} (Ana Admin)", output, StringComparison.Ordinal);
        Assert.Matches(@"https://portal\.example\.com/setup/[A-Za-z0-9_-]{43}", output);

        var again = await RunAsync(provider, connectionString, "admin", "create", "--email", email);
        Assert.Equal(1, again.Exit);
        Assert.Contains("already belongs to a staff Admin", again.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
