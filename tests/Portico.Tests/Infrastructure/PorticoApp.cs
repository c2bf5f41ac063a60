using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace Portico.Tests.Infrastructure;

/// The whole app on a real database of its own (SQLite file or PostgreSQL database) with a
/// real SMTP server behind it. Tests create their own accounts and people with unique names.
public class PorticoApp : WebApplicationFactory<Program>
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "portico-test-" + Guid.NewGuid().ToString("N"));

    public SmtpSink Mail { get; } = new();
    public string Provider { get; }
    public string ConnectionString { get; }
    public const string Password = "Correct-horse-battery-1";

    public PorticoApp()
    {
        Directory.CreateDirectory(_directory);
        (Provider, ConnectionString) = TestDatabase.CreateNew(_directory);
    }

    protected virtual IDictionary<string, string?> Settings() => new Dictionary<string, string?>();

    /// Webhook tests deliver to receivers on this machine, which the portal refuses unless its settings allow loopback.
    protected virtual bool AllowsLoopbackWebhooks => true;

    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = Provider,
            ["Database:ConnectionString"] = ConnectionString,
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = Mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Each app keeps its files apart: tests that count the files an app wrote must not see another app's.
            ["Storage:LocalPath"] = Path.Combine(_directory, "blobs"),
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Outbox:FirstRetryDelay"] = "00:00:00.200",
            ["ChangeFeeds:PollInterval"] = "00:00:00.200",
            ["ChangeFeeds:FirstRetryDelay"] = "00:00:00.200",
            ["ChangeFeeds:MaxRetryDelay"] = "00:00:01",
            ["LoginLimits:PerMinutePerAddress"] = "10000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
        };
        if (AllowsLoopbackWebhooks)
        {
            settings["Webhooks:AllowedInternalNetworks:0"] = "127.0.0.0/8";
            settings["Webhooks:AllowedInternalNetworks:1"] = "::1";
        }
        foreach (var (key, value) in Settings())
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(ConfigureTestServices);
    }

    public async Task<T> WithDbAsync<T>(Func<PorticoDb, IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        return await work(scope.ServiceProvider.GetRequiredService<PorticoDb>(), scope.ServiceProvider);
    }

    public Task WithDbAsync(Func<PorticoDb, Task> work) => WithDbAsync(async (db, _) => { await work(db); return 0; });

    public Task<Account> CreateAccountAsync(string? name = null) => WithDbAsync(async (db, _) =>
    {
        var account = new Account(name ?? "Account " + Unique(), DateTime.UtcNow);
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account;
    });

    public Task<PorticoUser> CreateUserAsync(string? email = null, StaffRole? staffRole = null) => WithDbAsync(async (_, services) =>
    {
        var users = services.GetRequiredService<UserManager<PorticoUser>>();
        email ??= $"user-{Unique()}@example.com";
        var user = new PorticoUser { UserName = email, Email = email, DisplayName = "Person " + email, StaffRole = staffRole, CreatedAt = DateTime.UtcNow };
        var result = await users.CreateAsync(user, Password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        return user;
    });

    public Task<Membership> AddMemberAsync(Account account, PorticoUser user, string role, DateTime? expiresAt = null) => WithDbAsync(async (db, _) =>
    {
        var roleId = await db.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleAsync();
        var membership = new Membership(account.Id, user.Id, roleId, DateTime.UtcNow, expiresAt);
        db.Memberships.Add(membership);
        await db.SaveChangesAsync();
        return membership;
    });

    /// A new person with a membership in the account.
    public async Task<PorticoUser> CreateMemberAsync(Account account, string role)
    {
        var user = await CreateUserAsync();
        await AddMemberAsync(account, user, role);
        return user;
    }

    /// A customer with one membership in a new account.
    public async Task<(Account Account, PorticoUser User)> CreateCustomerAsync(string role, string? accountName = null)
    {
        var account = await CreateAccountAsync(accountName);
        return (account, await CreateMemberAsync(account, role));
    }

    /// The same, signed in. The factory disposes the client with the app.
    public async Task<(Account Account, PorticoUser User, PorticoClient Client)> SignedInCustomerAsync(string role, string? accountName = null)
    {
        var (account, user) = await CreateCustomerAsync(role, accountName);
        return (account, user, await SignInAsync(user));
    }

    public async Task<PorticoClient> SignInAsync(PorticoUser user)
    {
        var client = new PorticoClient(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        var response = await client.LoginAsync(user.Email!, Password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public PorticoClient Anonymous() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    public static string Unique() => Guid.NewGuid().ToString("N")[..10];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Mail.Dispose();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
    }

    private bool _started;

    protected override Microsoft.Extensions.Hosting.IHost CreateHost(Microsoft.Extensions.Hosting.IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        _started = true;
        return host;
    }

    public override async ValueTask DisposeAsync()
    {
        // Drop this app's database so repeated runs do not pile them up. A deliberately misconfigured app never
        // started, so it has no database of its own, and asking for its services would only try to start it again.
        if (Provider == "Postgres" && _started)
        {
            await WithDbAsync(async db => await db.Database.EnsureDeletedAsync());
        }
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// Tests on the one app and database their collection shares.
[Collection(AppCollection.Name)]
public abstract class AppTests;

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<PorticoApp>
{
    public const string Name = "app";
}
