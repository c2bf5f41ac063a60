using System.Data.Common;

namespace Portico.Tests.Infrastructure;

/// Hashes of what queries return, to show that a series of requests changed nothing.
public static class DatabaseSnapshot
{
    /// Every table's content, as a hash per table; tables in exclude are left out. Sessions and the outbox change on
    /// their own (last seen, delivery), so for them only the number of live rows counts. Rate-limit windows count every
    /// attempt, refused ones too, so they are never part of what a refusal must leave unchanged.
    public static Task<Dictionary<string, string>> AllTablesAsync(this PorticoApp app, params string[] exclude) => app.WithDbAsync(async (db, _) =>
    {
        var queries = new Dictionary<string, string>();
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Where(t => !exclude.Contains(t) && t != "RateLimitWindows"))
        {
            queries[table] = table switch
            {
                "UserSessions" => "SELECT COUNT(*) FROM \"UserSessions\" WHERE \"RevokedAt\" IS NULL",
                "OutboxMessages" => "SELECT COUNT(*) FROM \"OutboxMessages\"",
                _ => $"SELECT * FROM \"{table}\"",
            };
        }
        return await HashAsync(db, queries);
    });

    /// One hash per named query: the row count and a digest of the sorted rows.
    public static async Task<Dictionary<string, string>> HashAsync(PorticoDb db, Dictionary<string, string> queries)
    {
        var result = new Dictionary<string, string>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            foreach (var (name, sql) in queries)
            {
                result[name] = await HashAsync(connection, sql);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return result;
    }

    private static async Task<string> HashAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var row = new StringBuilder();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                // Timestamps of last use move with every request and say nothing about a change.
                if (reader.GetName(i) is "LastSeenAt" or "LastUsedAt")
                {
                    continue;
                }
                var value = reader.GetValue(i);
                row.Append(value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('\u001f');
            }
            rows.Add(row.ToString());
        }
        rows.Sort(StringComparer.Ordinal);
        return rows.Count + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', rows))))[..16];
    }
}
