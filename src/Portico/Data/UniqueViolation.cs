using Microsoft.Data.Sqlite;
using Npgsql;

namespace Portico.Data;

public static class UniqueViolation
{
    /// Whether a save failed on a unique index or primary key, on either database: a parallel writer got there first,
    /// which the caller answers as a conflict rather than a fault.
    public static bool IsUniqueViolation(this DbUpdateException e) => e.InnerException switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is SQLitePCL.raw.SQLITE_CONSTRAINT_UNIQUE or SQLitePCL.raw.SQLITE_CONSTRAINT_PRIMARYKEY,
        _ => false,
    };
}
