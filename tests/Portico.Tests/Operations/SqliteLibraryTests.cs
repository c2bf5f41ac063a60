using Microsoft.Data.Sqlite;

namespace Portico.Tests.Operations;

public sealed class SqliteLibraryTests
{
    [Fact]
    public void Sqlite_counts_no_allocations_so_parallel_queries_share_no_allocation_lock()
    {
        SqliteLibrary.Configure();
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (x); INSERT INTO t VALUES (randomblob(100000)); SELECT count(*) FROM t";
        Assert.Equal(1L, command.ExecuteScalar());
        // With the count on, a connection holding a table and a 100 KB row reports its memory in use.
        Assert.Equal(0, SQLitePCL.raw.sqlite3_memory_used());
    }
}
