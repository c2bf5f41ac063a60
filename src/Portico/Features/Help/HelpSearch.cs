using System.Text.RegularExpressions;
using Ganss.Xss;
using Markdig;

namespace Portico.Features.Help;

/// Full-text search over published articles, ranked with the title weighing more than the text: a generated, weighted
/// tsvector column with a GIN index on PostgreSQL (in the model, so migrations make it), and on SQLite an FTS5 table
/// made at start-up and kept by triggers, as for the staff search (StaffSearchIndex). Words match by their stem and
/// as prefixes, so a title still being typed finds articles.
public static partial class HelpSearch
{
    public const string SqliteTable = "HelpArticleSearch";
    private static readonly string[] Triggers = [$"{SqliteTable}_Insert", $"{SqliteTable}_Update", $"{SqliteTable}_Delete"];
    private const string VectorColumn = "SearchVector";
    /// At most this many words of a query are searched for.
    public const int MaxWords = 8;

    public static void ConfigurePostgres(ModelBuilder builder)
    {
        var article = builder.Entity<HelpArticle>();
        // A shadow column: the SQLite model has no use for it.
        article.Property<NpgsqlTypes.NpgsqlTsVector>(VectorColumn)
            .HasComputedColumnSql("setweight(to_tsvector('english', \"Title\"), 'A') || setweight(to_tsvector('english', \"SearchText\"), 'B')", stored: true);
        article.HasIndex(VectorColumn).HasMethod("gin");
    }

    public static async Task EnsureSqliteAsync(PorticoDb db, ILogger logger, CancellationToken ct)
    {
        var present = await db.Database.SqlQueryRaw<string>(
            "SELECT name AS Value FROM sqlite_master WHERE type IN ('table', 'trigger')").ToListAsync(ct);
        if (!Triggers.Append(SqliteTable).Except(present).Any())
        {
            return;
        }
        string[] statements =
        [
            .. Triggers.Select(t => $"DROP TRIGGER IF EXISTS \"{t}\""),
            $"DROP TABLE IF EXISTS \"{SqliteTable}\"",
            $"CREATE VIRTUAL TABLE \"{SqliteTable}\" USING fts5(\"Key\" UNINDEXED, \"Title\", \"SearchText\", tokenize = 'porter unicode61')",
            $"INSERT INTO \"{SqliteTable}\" (\"Key\", \"Title\", \"SearchText\") SELECT \"Id\", \"Title\", \"SearchText\" FROM \"HelpArticles\"",
            $"CREATE TRIGGER \"{Triggers[0]}\" AFTER INSERT ON \"HelpArticles\" BEGIN "
                + $"INSERT INTO \"{SqliteTable}\" (\"Key\", \"Title\", \"SearchText\") VALUES (new.\"Id\", new.\"Title\", new.\"SearchText\"); END",
            $"CREATE TRIGGER \"{Triggers[1]}\" AFTER UPDATE ON \"HelpArticles\" WHEN new.\"Title\" IS NOT old.\"Title\" OR new.\"SearchText\" IS NOT old.\"SearchText\" BEGIN "
                + $"UPDATE \"{SqliteTable}\" SET \"Title\" = new.\"Title\", \"SearchText\" = new.\"SearchText\" WHERE \"Key\" = old.\"Id\"; END",
            $"CREATE TRIGGER \"{Triggers[2]}\" AFTER DELETE ON \"HelpArticles\" BEGIN DELETE FROM \"{SqliteTable}\" WHERE \"Key\" = old.\"Id\"; END",
        ];
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var statement in statements)
        {
#pragma warning disable EF1002 // names are the constants above, never input
            await db.Database.ExecuteSqlRawAsync(statement, ct);
#pragma warning restore EF1002
        }
        await transaction.CommitAsync(ct);
        logger.LogInformation("Search index built for help articles");
    }

    /// The words of a query: letters and digits only, so nothing typed is read as search syntax.
    public static IReadOnlyList<string> Words(string? query, int max = MaxWords) =>
        query is null ? [] : WordPattern().Matches(query).Select(m => m.Value.ToLowerInvariant()).Distinct().Take(max).ToList();

    /// Ids of published articles holding any of the query's words, best match first, at most limit.
    public static async Task<List<Guid>> RankedAsync(PorticoDb db, string? query, int limit, CancellationToken ct)
    {
        var words = Words(query);
        if (words.Count == 0)
        {
            return [];
        }
        if (db.Database.IsSqlite())
        {
            // bm25 is lower for better matches; the weights are Key, Title, SearchText.
            var match = string.Join(" OR ", words.Select(w => $"\"{w}\"*"));
            return await db.Database.SqlQueryRaw<Guid>(
                $"SELECT \"Key\" AS \"Value\" FROM \"{SqliteTable}\" WHERE \"{SqliteTable}\" MATCH {{0}} ORDER BY bm25(\"{SqliteTable}\", 0.0, 10.0, 1.0) LIMIT {{1}}",
                match, limit).ToListAsync(ct);
        }
        var tsquery = string.Join(" | ", words.Select(w => w + ":*"));
        return await db.Database.SqlQueryRaw<Guid>(
            $"SELECT \"Id\" AS \"Value\" FROM \"HelpArticles\" WHERE \"{VectorColumn}\" @@ to_tsquery('english', {{0}}) "
            + $"ORDER BY ts_rank(\"{VectorColumn}\", to_tsquery('english', {{0}})) DESC, \"Title\" LIMIT {{1}}",
            tsquery, limit).ToListAsync(ct);
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();
}

/// Articles are written in Markdown and shown as HTML: rendered with Markdig, then cleaned with HtmlSanitizer, so
/// script, event handlers and javascript: links never reach a customer's page, whoever wrote the article.
public static class HelpMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();
    private static readonly HtmlSanitizer Sanitizer = new();

    public static string ToSafeHtml(string markdown) => Sanitizer.Sanitize(Markdown.ToHtml(markdown, Pipeline));

    public static string ToPlainText(string markdown) => Markdown.ToPlainText(markdown, Pipeline).Trim();
}
