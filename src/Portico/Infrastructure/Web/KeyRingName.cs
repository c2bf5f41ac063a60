using System.Data.Common;

namespace Portico.Infrastructure.Web;

/// The data-protection application name. Every node on one database must use the same one: the name is part of every
/// protected value (sign-in cookies, server-side sessions, encrypted secrets), so a node with another name could not read
/// what the others wrote, and its people would be signed out and its secrets unreadable at random.
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    [Required(AllowEmptyStrings = false), StringLength(200)]
    public string ApplicationName { get; set; } = "Portico";
}

/// The name the first node recorded in the database, which every later node is held to.
public sealed class KeyRingName
{
    public const int Singleton = 1;

    public int Id { get; private set; }
    public string ApplicationName { get; private set; } = "";
    public DateTime RecordedAt { get; private set; }

    private KeyRingName() { }

    public KeyRingName(string applicationName, DateTime recordedAt)
    {
        Id = Singleton;
        ApplicationName = applicationName;
        RecordedAt = recordedAt;
    }

    public static string Mismatch(string configured, string recorded) =>
        $"DataProtection:ApplicationName is \"{configured}\", but the nodes on this database use \"{recorded}\". "
        + "Every node on one database must use the same name, or none can read the sign-in cookies, sessions and secrets the others protect. "
        + $"Set DataProtection:ApplicationName to \"{recorded}\" on this node.";

    /// Before the app serves anything, so a node with another name is refused with one plain line. A database without the
    /// record yet (new, or not migrated) has nothing to compare: the first start records it (RecordAsync).
    public static async Task<string?> ProblemAtStartAsync(IServiceProvider services, CancellationToken ct)
    {
        string configured;
        try
        {
            configured = services.GetRequiredService<IOptions<KeyRingOptions>>().Value.ApplicationName;
        }
        catch (OptionsValidationException e)
        {
            return e.Message;
        }
        try
        {
            _ = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        }
        catch (OptionsValidationException)
        {
            // Without a usable database setting there is nothing to compare; start-up's validation names the setting.
            return null;
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        string? recorded;
        try
        {
            // Asked first so a new database's missing table is never queried (and logged as a failed command).
            if ((await db.Database.GetPendingMigrationsAsync(ct)).Any())
            {
                return null;
            }
            recorded = await db.KeyRingNames.Where(n => n.Id == Singleton).Select(n => n.ApplicationName).SingleOrDefaultAsync(ct);
        }
        catch (DbException)
        {
            // No database yet, or it cannot be reached: start-up's migrations make it, or say what is wrong with the connection.
            return null;
        }
        return recorded is null || recorded == configured ? null : Mismatch(configured, recorded);
    }

    /// After the migrations: the first node records its name; nodes starting together on an empty database race here, and
    /// the loser compares with what the winner recorded.
    public static async Task RecordAsync(PorticoDb db, string configured, TimeProvider clock, CancellationToken ct)
    {
        var recorded = await db.KeyRingNames.AsNoTracking().SingleOrDefaultAsync(n => n.Id == Singleton, ct);
        if (recorded is null)
        {
            db.KeyRingNames.Add(new KeyRingName(configured, clock.GetUtcNow().UtcDateTime));
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                recorded = await db.KeyRingNames.AsNoTracking().SingleAsync(n => n.Id == Singleton, ct);
            }
        }
        if (recorded.ApplicationName != configured)
        {
            throw new InvalidOperationException(Mismatch(configured, recorded.ApplicationName));
        }
    }
}

internal sealed class KeyRingNameConfiguration : IEntityTypeConfiguration<KeyRingName>
{
    public void Configure(EntityTypeBuilder<KeyRingName> b)
    {
        b.Property(n => n.Id).ValueGeneratedNever();
        b.Property(n => n.ApplicationName).HasMaxLength(200);
    }
}
