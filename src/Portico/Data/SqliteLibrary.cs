namespace Portico.Data;

/// Process-wide SQLite settings, applied once before the first connection opens.
public static class SqliteLibrary
{
    private const int ConfigMultiThread = 2;
    private const int ConfigMemStatus = 9;
    private static readonly Lazy<bool> Configured = new(Apply);

    /// The bundled library is built fully serialized and counts every allocation under one global lock. A pooled
    /// connection is used by one request at a time, so its own lock is not needed, and without the count the text
    /// search's many small allocations no longer queue behind each other under load. True when the settings took.
    public static bool Configure() => Configured.Value;

    private static bool Apply()
    {
        SQLitePCL.Batteries_V2.Init();
        // Settings take only before the library starts; a process that opened a connection first keeps the defaults.
        return SQLitePCL.raw.sqlite3_config(ConfigMultiThread) == SQLitePCL.raw.SQLITE_OK
            && SQLitePCL.raw.sqlite3_config(ConfigMemStatus, 0) == SQLitePCL.raw.SQLITE_OK;
    }
}
