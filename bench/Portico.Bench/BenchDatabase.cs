using Microsoft.EntityFrameworkCore;
using Portico.Data;
using Portico.Tenancy;

namespace Portico.Bench;

/// Opens the portal's database the way the app would, across all accounts, for generating and cleaning up.
internal static class BenchDatabase
{
    public static PorticoDb Open(DatabaseProvider provider, string connection)
    {
        var account = new AccountContext();
        account.EnterCrossAccount();
        return provider == DatabaseProvider.Sqlite
            ? new SqlitePorticoDb(new DbContextOptionsBuilder<SqlitePorticoDb>().UseSqlite(connection)
                .UseApplicationServiceProvider(DesignTimeServices.Identity).Options, account)
            : new PostgresPorticoDb(new DbContextOptionsBuilder<PostgresPorticoDb>().UseNpgsql(connection)
                .UseApplicationServiceProvider(DesignTimeServices.Identity).Options, account);
    }

    public static async Task<int> Drop(DatabaseProvider provider, string connection)
    {
        await using var db = Open(provider, connection);
        await db.Database.EnsureDeletedAsync();
        return 0;
    }
}
