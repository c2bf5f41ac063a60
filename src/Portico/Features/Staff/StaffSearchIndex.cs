using Microsoft.EntityFrameworkCore.Storage;
using Portico.Features.Documents;

namespace Portico.Features.Staff;

/// The indexes that let the staff search find text anywhere in a name or title without reading every row: trigram GIN
/// indexes on PostgreSQL (in the model, so migrations make them), and on SQLite FTS5 tables with the trigram tokenizer,
/// which EF Core cannot model, so they are made here at start-up and kept by triggers.
public static class StaffSearchIndex
{
    /// Text is matched from this many characters: both indexes are built from three-character pieces.
    public const int MinTextLength = 3;

    /// One full-text table: its name, the table it follows, the columns it indexes, and which rows of that table it
    /// holds (a condition on the row with {0} before each column, or null for all of them).
    public sealed record FullTextTable(string Name, string Source, string[] Columns, string? Holds = null)
    {
        public string[] Triggers => [$"{Name}_Insert", $"{Name}_Update", $"{Name}_Delete"];

        /// The condition for a row named by the prefix: "" in a query, "new." or "old." in a trigger.
        public string Condition(string prefix) => "(" + string.Format(CultureInfo.InvariantCulture, Holds ?? "1", prefix) + ")";
    }

    public static readonly FullTextTable Requests = new("RequestSearch", "Requests", ["Subject"]);
    // Deleted documents are kept out, so every candidate is one the search can show.
    public static readonly FullTextTable Documents = new("DocumentSearch", "Documents", ["Name"], "{0}\"DeletedAt\" IS NULL");
    public static readonly FullTextTable People = new("PersonSearch", "AspNetUsers", ["DisplayName", "Email"]);
    public static readonly FullTextTable Accounts = new("AccountSearch", "Accounts", ["Name"]);
    public static readonly IReadOnlyList<FullTextTable> All = [Requests, Documents, People, Accounts];

    public static void ConfigurePostgres(ModelBuilder builder)
    {
        builder.HasPostgresExtension("pg_trgm");
        builder.Entity<Request>().HasIndex(r => r.Subject, "IX_Requests_Subject_Trigram").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.Entity<Document>().HasIndex(d => d.Name, "IX_Documents_Name_Trigram").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.Entity<PorticoUser>().HasIndex(u => u.DisplayName, "IX_AspNetUsers_DisplayName_Trigram").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.Entity<PorticoUser>().HasIndex(u => u.Email, "IX_AspNetUsers_Email_Trigram").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.Entity<Account>().HasIndex(a => a.Name, "IX_Accounts_Name_Trigram").HasMethod("gin").HasOperators("gin_trgm_ops");
    }

    /// Makes the SQLite full-text tables and their triggers when any is missing or made differently than this version
    /// makes it, filled from the tables they follow. A migration that rebuilds a followed table drops its triggers; the
    /// next start notices and rebuilds the index.
    public static async Task EnsureSqliteAsync(PorticoDb db, ILogger logger, CancellationToken ct)
    {
        var present = (await db.Database.SqlQueryRaw<SchemaObject>(
                "SELECT name AS \"Name\", sql AS \"Sql\" FROM sqlite_master WHERE type IN ('table', 'trigger')").ToListAsync(ct))
            .ToDictionary(o => o.Name, o => o.Sql);
        var stale = All.Where(t => Creates(t).Any(c => present.GetValueOrDefault(c.Name) != c.Sql)).ToList();
        if (stale.Count == 0)
        {
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var table in stale)
        {
            foreach (var statement in Statements(table))
            {
#pragma warning disable EF1002 // names come from the constant table list above, never from input
                await db.Database.ExecuteSqlRawAsync(statement, ct);
#pragma warning restore EF1002
            }
        }
        await transaction.CommitAsync(ct);
        logger.LogInformation("Search index built for {Tables}", string.Join(", ", stale.Select(t => t.Source)));
    }

    private sealed class SchemaObject
    {
        public string Name { get; set; } = "";
        public string? Sql { get; set; }
    }

    private static IEnumerable<string> Statements(FullTextTable t)
    {
        var columns = string.Join(", ", t.Columns.Select(c => $"\"{c}\""));
        foreach (var trigger in t.Triggers)
        {
            yield return $"DROP TRIGGER IF EXISTS \"{trigger}\"";
        }
        yield return $"DROP TABLE IF EXISTS \"{t.Name}\"";
        var creates = Creates(t).ToList();
        yield return creates[0].Sql;
        // Negated, so the newest rows of the followed table come first in the index's cheap forward walk.
        yield return $"INSERT INTO \"{t.Name}\" (rowid, \"Key\", {columns}) SELECT -rowid, \"Id\", {columns} FROM \"{t.Source}\""
            + (t.Holds is null ? "" : " WHERE " + t.Condition(""));
        foreach (var create in creates.Skip(1))
        {
            yield return create.Sql;
        }
    }

    /// The full-text table and its triggers, each with the statement that makes it, as SQLite keeps it.
    private static IEnumerable<(string Name, string Sql)> Creates(FullTextTable t)
    {
        var columns = string.Join(", ", t.Columns.Select(c => $"\"{c}\""));
        var newValues = string.Join(", ", t.Columns.Select(c => $"new.\"{c}\""));
        var changed = string.Join(" OR ", t.Columns.Select(c => $"new.\"{c}\" IS NOT old.\"{c}\""));
        var set = string.Join(", ", t.Columns.Select(c => $"\"{c}\" = new.\"{c}\""));
        // The key is not indexed by FTS5, so an update or delete looks it up by a scan; titles and names change rarely.
        yield return (t.Name, $"CREATE VIRTUAL TABLE \"{t.Name}\" USING fts5(\"Key\" UNINDEXED, {columns}, tokenize = 'trigram')");
        // Each row added gets a rowid below all others, so a forward walk of the index meets the newest first.
        var below = $"(SELECT coalesce(min(rowid), 0) - 1 FROM \"{t.Name}\")";
        yield return (t.Triggers[0], $"CREATE TRIGGER \"{t.Triggers[0]}\" AFTER INSERT ON \"{t.Source}\"{(t.Holds is null ? "" : $" WHEN {t.Condition("new.")}")} BEGIN "
            + $"INSERT INTO \"{t.Name}\" (rowid, \"Key\", {columns}) VALUES ({below}, new.\"Id\", {newValues}); END");
        yield return (t.Triggers[1], t.Holds is null
            ? $"CREATE TRIGGER \"{t.Triggers[1]}\" AFTER UPDATE ON \"{t.Source}\" WHEN {changed} BEGIN "
                + $"UPDATE \"{t.Name}\" SET {set} WHERE \"Key\" = old.\"Id\"; END"
            // A row entering or leaving the condition is added or removed, not only changed.
            : $"CREATE TRIGGER \"{t.Triggers[1]}\" AFTER UPDATE ON \"{t.Source}\" WHEN {changed} OR {t.Condition("new.")} IS NOT {t.Condition("old.")} BEGIN "
                + $"DELETE FROM \"{t.Name}\" WHERE \"Key\" = old.\"Id\"; "
                + $"INSERT INTO \"{t.Name}\" (rowid, \"Key\", {columns}) SELECT {below}, new.\"Id\", {newValues} WHERE {t.Condition("new.")}; END");
        yield return (t.Triggers[2], $"CREATE TRIGGER \"{t.Triggers[2]}\" AFTER DELETE ON \"{t.Source}\" BEGIN "
            + $"DELETE FROM \"{t.Name}\" WHERE \"Key\" = old.\"Id\"; END");
    }

    /// One row whose indexed text holds the query: which kind, and its id.
    public sealed class Candidate
    {
        public string Kind { get; set; } = "";
        public Guid Key { get; set; }
    }

    /// A column matched by its start, in upper or lower case or as typed, on its B-tree index: numbers and ids.
    public sealed record PrefixColumn(string Name, string Source, string Column);

    public static readonly PrefixColumn AccountIds = new("AccountByExternalId", "Accounts", "ExternalId");
    public static readonly PrefixColumn InvoiceNumbers = new("InvoiceByNumber", "Invoices", "Number");
    public static readonly PrefixColumn OrderReferences = new("OrderByReference", "Orders", "Reference");
    public static readonly IReadOnlyList<PrefixColumn> Prefixes = [AccountIds, InvoiceNumbers, OrderReferences];

    /// The ids of the rows of each given kind that match the query, at most <paramref name="limit"/> a kind, in one round
    /// trip: text anywhere and in any case on the full-text tables (none for text too short for them), and the start of
    /// the prefix columns, in their own order. The text indexes stop reading once they have the limit, so a name
    /// thousands share costs about as much as a rare one; which of them come is the index's order (the newest first on
    /// SQLite), not the order the page shows.
    public static async Task<ILookup<string, Guid>> CandidatesAsync(PorticoDb db, string query, IEnumerable<FullTextTable> tables,
        IEnumerable<PrefixColumn> prefixes, int limit, CancellationToken ct)
    {
        var sqlite = db.Database.IsSqlite();
        if (query.Trim().Length < MinTextLength)
        {
            tables = [];
        }
        // No ORDER BY: on PostgreSQL sorting by a column would have to read every match, or tempt the planner to walk
        // that column's index instead of the trigram index; FTS5 walks backwards at about three times the cost of
        // forwards, and its rowids already run from the newest row.
        var parts = tables.Select(t => $"SELECT * FROM (SELECT '{t.Name}' AS \"Kind\", " + (sqlite
            ? $"\"Key\" FROM \"{t.Name}\" WHERE \"{t.Name}\" MATCH @p0"
            : $"\"Id\" AS \"Key\" FROM \"{t.Source}\" WHERE ({string.Join(" OR ", t.Columns.Select(c => $"\"{c}\" ILIKE @p0 ESCAPE '{Escape}'"))})"
                + (t.Holds is null ? "" : " AND " + t.Condition("")))
            + $" LIMIT {limit}) AS \"{t.Name}\"");
        // A range per spelling, from the prefix up to the prefix followed by the highest character, so the column's
        // plain index serves it on both databases; "inv-12" still finds "INV-120".
        var spellings = new[] { query, query.ToUpperInvariant(), query.ToLowerInvariant() };
        parts = parts.Concat(prefixes.Select(p => $"SELECT * FROM (SELECT '{p.Name}' AS \"Kind\", \"Id\" AS \"Key\" FROM \"{p.Source}\" WHERE "
            + string.Join(" OR ", spellings.Select((_, i) => $"(\"{p.Column}\" >= @p{2 * i + 1} AND \"{p.Column}\" < @p{2 * i + 2})"))
            + $" ORDER BY \"{p.Column}\" LIMIT {limit}) AS \"{p.Name}\""));
        object[] arguments = [sqlite ? Phrase(query) : ContainsPattern(query), .. spellings.SelectMany(s => new[] { s, s + char.MaxValue })];
        var sql = string.Join(" UNION ALL ", parts);
        if (sql.Length == 0)
        {
            return Array.Empty<Candidate>().ToLookup(c => c.Kind, c => c.Key);
        }
        // A command of our own rather than SqlQueryRaw: EF Core keys its SQL cache on the argument array, a new one each
        // search, so it built the command again under a lock on every search.
        var found = new List<Candidate>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // table and column names are the constants above; the query and its spellings are parameters
            command.CommandText = sql;
#pragma warning restore CA2100
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            for (var i = 0; i < arguments.Length; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
                parameter.Value = arguments[i];
                command.Parameters.Add(parameter);
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found.Add(new Candidate { Kind = reader.GetString(0), Key = reader.GetGuid(1) });
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return found.ToLookup(c => c.Kind, c => c.Key);
    }

    /// An FTS5 phrase: with the trigram tokenizer it matches the text as a substring.
    private static string Phrase(string query) => "\"" + query.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public const string Escape = "\\";

    /// An ILIKE pattern holding the query anywhere, its wildcards taken literally (PostgreSQL only).
    public static string ContainsPattern(string query) =>
        "%" + query.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
