namespace Portico.Tests.Tenancy;

/// The account filter is one comparison for an account's queries, so the database searches the AccountId index,
/// and none for background work (a model without the filter) or a staff query that asks for every account.
public sealed class AccountFilterTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task An_account_query_compares_the_account_id_once_and_the_database_searches_its_index()
    {
        var (account, _) = await TwoAccountsWithAFolderEachAsync();

        var (count, sql, plan) = await QueryAsync(scope => scope.EnterAccountWithoutMember(account.Id));

        Assert.Equal(1, count);
        var where = sql[sql.IndexOf("WHERE", StringComparison.Ordinal)..];
        Assert.Matches(@"WHERE (@\w+ = ""?\w+""?\.""AccountId""|""?\w+""?\.""AccountId"" = @\w+) AND ", where);
        Assert.DoesNotContain(" OR ", where);
        Assert.DoesNotContain("COALESCE", where);
        if (plan is not null)
        {
            Assert.Contains("USING", plan);
            Assert.DoesNotContain("SCAN", plan);
        }
    }

    [Fact]
    public async Task Background_work_across_accounts_sees_every_account_and_adds_no_account_condition()
    {
        await TwoAccountsWithAFolderEachAsync();

        var (count, sql, _) = await QueryAsync(scope => scope.EnterCrossAccount());

        Assert.True(count >= 2, sql);
        Assert.DoesNotContain("AccountId", sql[sql.IndexOf("WHERE", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task A_query_across_accounts_sees_every_account_and_adds_no_account_condition()
    {
        await TwoAccountsWithAFolderEachAsync();

        var (count, sql, _) = await QueryAsync(_ => { }, acrossAccounts: true);

        Assert.True(count >= 2, sql);
        Assert.DoesNotContain("AccountId", sql[sql.IndexOf("WHERE", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task Entering_cross_account_work_after_the_database_opened_is_refused()
    {
        await using var scope = app.Services.CreateAsyncScope();
        _ = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount());
    }

    [Fact]
    public async Task With_no_account_entered_account_data_stays_hidden()
    {
        var (account, _) = await app.CreateCustomerAsync("Owner");
        await AddFolderAsync(account.Id);

        var (count, _, _) = await QueryAsync(_ => { });

        Assert.Equal(0, count);
    }

    private async Task<(Account Account, Account Other)> TwoAccountsWithAFolderEachAsync()
    {
        var (account, _) = await app.CreateCustomerAsync("Owner");
        var (other, _) = await app.CreateCustomerAsync("Owner");
        await AddFolderAsync(account.Id);
        await AddFolderAsync(other.Id);
        return (account, other);
    }

    private Task AddFolderAsync(Guid accountId) => app.WithDbAsync(async db =>
    {
        db.DocumentFolders.Add(new DocumentFolder(accountId, "Filter check " + PorticoApp.Unique(), false, [], [], DateTime.UtcNow));
        await db.SaveChangesAsync();
    });

    /// Counts folders named "Filter check…" in a scope set up by enter, with the SQL EF runs for it and, on
    /// SQLite, that SQL's query plan (parameters left unbound: SQLite plans before it sees values).
    private async Task<(int Count, string Sql, string? Plan)> QueryAsync(Action<AccountContext> enter, bool acrossAccounts = false)
    {
        var ct = CancellationToken.None;
        await using var scope = app.Services.CreateAsyncScope();
        enter(scope.ServiceProvider.GetRequiredService<AccountContext>());
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var folders = acrossAccounts ? db.DocumentFolders.AcrossAccounts() : db.DocumentFolders;
        var query = folders.Where(t => t.Name.StartsWith("Filter check"));
        var count = await query.CountAsync(ct);
        var sql = string.Join("\n", query.ToQueryString().Split('\n').Where(line => !line.StartsWith(".param", StringComparison.Ordinal)
            && !line.StartsWith("-- @", StringComparison.Ordinal)));
        if (!db.Database.IsSqlite())
        {
            return (count, sql, null);
        }
        await db.Database.OpenConnectionAsync(ct);
        await using var explain = db.Database.GetDbConnection().CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        await using var reader = await explain.ExecuteReaderAsync(ct);
        var plan = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            plan.Add(reader.GetString(reader.GetOrdinal("detail")));
        }
        return (count, sql, string.Join("\n", plan));
    }
}
