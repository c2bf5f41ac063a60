using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portico.Tests.Operations;

/// Counts the SQL commands one page load runs against this app's database. Other test
/// apps run in parallel in the same process, so commands are matched by connection string.
public sealed class QueryCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string _connectionString;
    private readonly List<IDisposable> _subscriptions = [];
    private int _count;

    public QueryCounter(string connectionString)
    {
        _connectionString = connectionString;
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    public int Count => Volatile.Read(ref _count);
    public List<string> Commands { get; } = [];

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        lock (Commands)
        {
            Commands.Clear();
        }
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData data
            && data.Context?.Database.GetConnectionString() == _connectionString
            // The outbox, change feeds and write-back deadlines poll the same database in the background; only what
            // runs for a request is part of a page.
            && InRequest()
            // The brand is read for the whole portal once per Brands.Freshness, by whichever page comes first.
            && !data.Command.CommandText.Contains("\"StoredBrands\"", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _count);
            lock (Commands)
            {
                Commands.Add(data.Command.CommandText);
            }
        }
    }

    private static bool InRequest()
    {
        for (var activity = Activity.Current; activity is not null; activity = activity.Parent)
        {
            if (activity.OperationName == "Microsoft.AspNetCore.Hosting.HttpRequestIn")
            {
                return true;
            }
        }
        return false;
    }

    public void OnCompleted() { }
    public void OnError(Exception error) { }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }
}

/// No page may run more queries because an account has more data: a list of 25 requests
/// costs the same number of queries as a list of one.
public sealed class QueryCountTests(PorticoApp app) : AppTests
{
    private List<string> LastCommands { get; set; } = [];

    private async Task<int> QueriesForAsync(PorticoClient client, string url)
    {
        using var counter = new QueryCounter(app.ConnectionString);
        // First load warms caches (data protection keys, model building).
        await client.GetPageAsync(url);
        counter.Reset();
        await client.GetPageAsync(url);
        lock (counter.Commands)
        {
            LastCommands = [.. counter.Commands];
        }
        return counter.Count;
    }

    private async Task<(Account Account, PorticoUser Owner, Request First)> AccountWithRequestsAsync(int requests)
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var type = await app.CreateRequestTypeAsync(fields: [new RequestField("detail", "Detail", FieldKind.Text, false, [])]);
        var integration = await app.CreateIntegrationAsync();
        // An open document request, so the dashboard reads its list of asked documents too.
        var folder = await app.CreateFolderAsync(account);
        await app.WithDbAsync(async db =>
        {
            db.DocumentRequests.Add(new Features.Documents.DocumentRequest(account.Id, folder.Id, "Signed contract", "", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7), "Staff", DateTime.UtcNow));
            await db.SaveChangesAsync();
        });
        Request? first = null;
        for (var i = 0; i < requests; i++)
        {
            // Invoices due and active orders too, so the dashboard's sections and the billing and order lists have rows.
            await app.CreateInvoiceAsync(account, integration, dueOn: DateOnly.FromDateTime(DateTime.UtcNow).AddDays(i - 3));
            await app.CreateOrderAsync(account, integration);
            var request = await app.CreateRequestAsync(account, owner, type, shared: true);
            first ??= request;
            await app.WithDbAsync(async db =>
            {
                // More requests also means longer conversations, so per-message queries show too.
                for (var m = 0; m < Math.Min(requests, 6); m++)
                {
                    db.RequestMessages.Add(new RequestMessage(request, owner.Id, owner.DisplayName, m % 2 == 1, false, $"Message {m}", DateTime.UtcNow));
                    db.RequestEvents.Add(new RequestEvent(request, DateTime.UtcNow, owner.DisplayName, $"Event {m}"));
                }
                db.ActivityEntries.Add(new Features.Activity.ActivityEntry(account.Id, DateTime.UtcNow, owner.DisplayName, "did something", "/", request.Id));
                await db.SaveChangesAsync();
            });
        }
        return (account, owner, first!);
    }

    [Fact]
    public async Task Customer_pages_run_a_fixed_number_of_queries_however_much_data_the_account_has()
    {
        var small = await AccountWithRequestsAsync(1);
        var large = await AccountWithRequestsAsync(12);
        using var smallClient = await app.SignInAsync(small.Owner);
        using var largeClient = await app.SignInAsync(large.Owner);

        foreach (var (name, url, budget) in new (string, Func<Account, Request, string>, int)[]
        {
            // Budgets are today's counts, sign-in check and layout included: a page that needs more says why in review.
            ("dashboard", (a, _) => $"/a/{a.Id}", 7),
            ("request list", (a, _) => $"/a/{a.Id}/requests", 5),
            ("request detail", (a, r) => $"/a/{a.Id}/requests/{r.Id}", 6),
            ("contacts", (a, _) => $"/a/{a.Id}/contacts", 6), // with the last contact change waiting for the source
            ("invoice list", (a, _) => $"/a/{a.Id}/invoices", 5),
            ("order list", (a, _) => $"/a/{a.Id}/orders", 4),
        })
        {
            var few = await QueriesForAsync(smallClient, url(small.Account, small.First));
            var many = await QueriesForAsync(largeClient, url(large.Account, large.First));
            Assert.True(few > 0, $"{name}: the counter saw no queries, so it measures nothing.");
            Assert.True(many == few, $"{name}: {few} queries with one request, {many} with twelve (N+1).");
            Assert.True(many <= budget, $"{name}: {many} queries, budget {budget}:\n{string.Join("\n---\n", LastCommands)}");
            if (app.Provider == "Sqlite")
            {
                // SQLite only uses the AccountId index once the cross-account flag is out of the query.
                Assert.DoesNotContain(LastCommands, c => c.Contains("@ef_filter__CrossAccount", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task The_staff_queue_runs_a_fixed_number_of_queries_however_many_requests_it_lists()
    {
        var staff = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        using var client = await app.SignInAsync(staff);
        var (account, _, _) = await AccountWithRequestsAsync(1);
        var few = await QueriesForAsync(client, $"/staff/requests?account={account.Id}");
        var (bigger, _, _) = await AccountWithRequestsAsync(12);
        var many = await QueriesForAsync(client, $"/staff/requests?account={bigger.Id}");

        Assert.True(few > 0);
        Assert.Equal(few, many);
        Assert.True(many <= 10, $"staff queue: {many} queries.");
    }

    [Fact]
    public async Task The_staff_account_page_with_its_figures_runs_a_fixed_number_of_queries_however_much_the_account_has()
    {
        var staff = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var client = await app.SignInAsync(staff);
        var (small, _, _) = await AccountWithRequestsAsync(1);
        var (large, _, _) = await AccountWithRequestsAsync(12);

        var few = await QueriesForAsync(client, $"/staff/accounts/{small.Id}");
        var many = await QueriesForAsync(client, $"/staff/accounts/{large.Id}");

        Assert.True(few > 0);
        Assert.True(many == few, $"staff account page: {few} queries with one request, {many} with twelve (N+1).");
        // 11 for the page, 16 for its figures: the insights page's reading for one account (summary, breakdowns, engagement).
        Assert.True(many <= 27, $"staff account page: {many} queries:\n{string.Join("\n---\n", LastCommands)}");
    }

    [Fact]
    public async Task The_insights_page_with_its_figures_in_hand_runs_no_query_at_all()
    {
        // The page most opened at once by staff: its figures and filter lists are kept in memory, and the staff layout
        // reads nothing (no account switcher), so a view in the figures' minute costs the database nothing.
        var staff = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        using var client = await app.SignInAsync(staff);

        // A range of its own, so no other test's figures (and their background reading) are in play.
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-Random.Shared.Next(200, 700));

        var queries = await QueriesForAsync(client, $"/staff/insights?From={from:yyyy-MM-dd}");

        Assert.True(queries == 0, $"insights page: {queries} queries:\n{string.Join("\n---\n", LastCommands)}");
        // The counter does see this client's queries on a page that reads the database.
        Assert.True(await QueriesForAsync(client, "/staff/requests") > 0);
    }
}
