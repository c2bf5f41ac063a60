namespace Portico.Tests.Infrastructure;

/// Which real database the suite runs against: PORTICO_TEST_DB=sqlite (default) or postgres.
/// For postgres, PORTICO_TEST_POSTGRES holds a server connection string; each app gets its own database.
public static class TestDatabase
{
    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("PORTICO_TEST_DB"), "postgres", StringComparison.OrdinalIgnoreCase);

    public static (string Provider, string ConnectionString) CreateNew(string directory)
    {
        if (IsPostgres)
        {
            var server = Environment.GetEnvironmentVariable("PORTICO_TEST_POSTGRES")
                ?? throw new InvalidOperationException("PORTICO_TEST_DB=postgres needs PORTICO_TEST_POSTGRES (the test command sets it).");
            return ("Postgres", $"{server};Database=portico_test_{Guid.NewGuid():N}");
        }
        return ("Sqlite", $"Data Source={Path.Combine(directory, "portico.db")}");
    }
}
