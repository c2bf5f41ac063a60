using Portico.Infrastructure;
using Microsoft.EntityFrameworkCore.Design;

namespace Portico.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// Defaults to a file under data/ for SQLite; required for PostgreSQL.
    public string? ConnectionString { get; set; }

    /// Apply pending migrations at start-up. Turn off where a release step migrates instead.
    public bool MigrateOnStartup { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                "Database:ConnectionString is required when Database:Provider is Postgres, e.g. \"Host=127.0.0.1;Database=portico;Username=portico\".",
                [nameof(ConnectionString)]);
        }
    }

    public string EffectiveConnectionString(string contentRoot) =>
        !string.IsNullOrWhiteSpace(ConnectionString) ? ConnectionString
        : Provider == DatabaseProvider.Sqlite ? $"Data Source={Path.Combine(contentRoot, "data", "portico.db")}"
        : throw new InvalidOperationException("Database:ConnectionString is not set.");
}

public static class DatabaseSetup
{
    public static IServiceCollection AddPorticoDatabase(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddValidatedOptions<DatabaseOptions>(configuration, DatabaseOptions.Section);
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        // Validated again by ValidateOnStart with a readable message; here we only need a value to configure EF.
        var connectionString = options.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString)
            ? "" : options.EffectiveConnectionString(environment.ContentRootPath);

        if (options.Provider == DatabaseProvider.Sqlite)
        {
            SqliteLibrary.Configure();
            var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource, environment.ContentRootPath));
            if (!string.IsNullOrEmpty(directory) && builder.DataSource != ":memory:")
            {
                Directory.CreateDirectory(directory);
            }
            services.AddDbContext<PorticoDb, SqlitePorticoDb>(o => o.UseSqlite(connectionString, s => s.UseParameterizedCollectionMode(OneListParameter)));
        }
        else
        {
            services.AddDbContext<PorticoDb, PostgresPorticoDb>(o => o.UseNpgsql(connectionString, s => s.UseParameterizedCollectionMode(OneListParameter)));
        }
        services.AddHostedService<DatabaseInitializer>();
        return services;
    }

    /// A list in a query (ids.Contains(x.Id)) goes to the database as one parameter (json_each on SQLite, an array on
    /// PostgreSQL). EF Core 10's default spreads it into one parameter per item, and then generated the SQL again,
    /// under a lock, on nearly every execution: in a profile of the staff search under load that was 8% of the CPU.
    private const ParameterTranslationMode OneListParameter = ParameterTranslationMode.Parameter;
}

/// Runs before the server accepts requests: migrations (if enabled), the data-protection name, built-in roles,
/// attachments still in the database moved to blob storage, demo data.
public sealed class DatabaseInitializer(
    IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, IOptions<KeyRingOptions> keyRing, IConfiguration configuration, TimeProvider clock,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        if (options.Value.MigrateOnStartup)
        {
            if (db.Database.IsSqlite())
            {
                // WAL lets pages read while the outbox worker or an upload writes.
                await db.Database.OpenConnectionAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
                await db.Database.CloseConnectionAsync();
            }
            // The migrations were squashed into one before the first release: a database made by an earlier build has
            // history this build does not know, and migrating it would fail half-way on tables that already exist.
            var unknown = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Except(db.Database.GetMigrations()).ToList();
            if (unknown.Count > 0)
            {
                throw new InvalidOperationException($"The database was made by a pre-release build of Portico (migration {unknown[0]}) "
                    + "and cannot be upgraded: start with a new database (for SQLite, delete the file named in Database:ConnectionString).");
            }
            await MigrateAloneAsync(db, cancellationToken);
            logger.LogInformation("Database migrated ({Provider})", options.Value.Provider);
        }
        if (db.Database.IsSqlite())
        {
            await Features.Staff.StaffSearchIndex.EnsureSqliteAsync(db, logger, cancellationToken);
            await Features.Help.HelpSearch.EnsureSqliteAsync(db, logger, cancellationToken);
        }
        await KeyRingName.RecordAsync(db, keyRing.Value.ApplicationName, clock, cancellationToken);
        await EnsureBuiltInRolesAsync(db, cancellationToken);
        // Attachments from releases that kept their bytes in the database; a no-op once all are moved.
        await scope.ServiceProvider.GetRequiredService<Features.Requests.AttachmentStorageMove>().RunAsync(cancellationToken);
        if (configuration.GetValue<bool>("Portico:SeedDemoData"))
        {
            await scope.ServiceProvider.GetRequiredService<Features.Accounts.DemoData>().SeedAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// Any number for the advisory lock, as long as it is always the same one.
    private const long MigrationLock = 0x506f727469636f; // "Portico"

    /// Nodes started together on PostgreSQL would each apply the same migration (the second failing on what the first
    /// made); a session advisory lock lets one migrate while the others wait, then find nothing left to apply.
    /// Create the database before starting several nodes: creating it is not covered by the lock.
    private static async Task MigrateAloneAsync(PorticoDb db, CancellationToken cancellationToken)
    {
        // A database that does not exist yet is created by the migration itself (one node, or the tests).
        if (!db.Database.IsNpgsql() || !await Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>(db).ExistsAsync(cancellationToken))
        {
            await db.Database.MigrateAsync(cancellationToken);
            return;
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLock})", cancellationToken);
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLock})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task EnsureBuiltInRolesAsync(PorticoDb db, CancellationToken cancellationToken)
    {
        // Built-in roles follow the catalogue: a permission added in a release reaches existing databases too.
        foreach (var builtIn in BuiltInRoles.Create())
        {
            var stored = await db.Roles.SingleOrDefaultAsync(r => r.Name == builtIn.Name && r.IsBuiltIn, cancellationToken);
            if (stored is not null && !stored.Permissions.SequenceEqual(builtIn.Permissions))
            {
                stored.SetPermissions(builtIn.Permissions);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        var existing = await db.Roles.Select(r => r.Name).ToListAsync(cancellationToken);
        var missing = BuiltInRoles.Create().Where(r => !existing.Contains(r.Name)).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        db.Roles.AddRange(missing);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another app node starting at the same moment may have created them first.
            db.ChangeTracker.Clear();
            if (await db.Roles.CountAsync(r => r.IsBuiltIn, cancellationToken) < BuiltInRoles.Create().Count())
            {
                throw;
            }
        }
    }
}

/// Lets the migrations tool build each provider's context without starting the app.
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePorticoDb>
{
    public SqlitePorticoDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePorticoDb>().UseSqlite("Data Source=design.db")
            .UseApplicationServiceProvider(DesignTimeServices.Identity).Options, new AccountContext());
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPorticoDb>
{
    public PostgresPorticoDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPorticoDb>().UseNpgsql("Host=localhost;Database=portico_design")
            .UseApplicationServiceProvider(DesignTimeServices.Identity).Options, new AccountContext());
}

/// Identity shapes its tables from IdentityOptions found among the app's services; the migrations
/// tool and the benchmark generator have no app, so they get the same schema version here.
public static class DesignTimeServices
{
    public static readonly IServiceProvider Identity = new ServiceCollection()
        .Configure<Microsoft.AspNetCore.Identity.IdentityOptions>(o => o.Stores.SchemaVersion = PorticoDb.IdentitySchemaVersion)
        .BuildServiceProvider();
}
