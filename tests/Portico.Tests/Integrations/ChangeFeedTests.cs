using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Portico.Tests.Integrations;

/// A source that cannot push, served by Kestrel on 127.0.0.1: pages by cursor, and whatever the test makes it answer.
public sealed class ChangeFeedSource : IAsyncDisposable
{
    private readonly WebApplication _app;

    /// The cursor of every request, in order (null: from the beginning).
    public ConcurrentQueue<string?> Requested { get; } = new();

    /// Pages by the cursor they answer; a cursor not here answers 410 Gone.
    public ConcurrentDictionary<string, JsonObject> Pages { get; } = new();

    /// While set, every request answers this status instead.
    public int? Outage { get; set; }

    public string Url { get; private set; } = "";

    private ChangeFeedSource(WebApplication app) => _app = app;

    public static async Task<ChangeFeedSource> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var source = new ChangeFeedSource(builder.Build());
        source._app.MapGet("/changes", (string? cursor) =>
        {
            source.Requested.Enqueue(cursor);
            return source.Outage is { } status ? Results.StatusCode(status)
                : source.Pages.TryGetValue(cursor ?? "", out var page) ? Results.Content(page.ToJsonString(), "application/json")
                : Results.StatusCode(StatusCodes.Status410Gone);
        });
        await source._app.StartAsync();
        source.Url = source._app.Urls.Single() + "/changes";
        return source;
    }

    public static JsonObject Page(string nextCursor, bool hasMore = false, JsonArray? invoices = null, JsonArray? orders = null)
    {
        var page = new JsonObject { ["nextCursor"] = nextCursor, ["hasMore"] = hasMore };
        if (invoices is not null) page["invoices"] = invoices;
        if (orders is not null) page["orders"] = orders;
        return page;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// Sources that cannot push are polled: pages applied in order with their cursor, outages and lost cursors shown as failures.
/// Which integration owns an object type is global, so this class is in the app collection.
public sealed class ChangeFeedTests(PorticoApp app) : AppTests
{
    private const string Invoices = SyncedObjectTypes.Invoices;

    private Task<Portico.Infrastructure.Web.Outcome<Integration>> ReadChangesFromAsync(Guid integrationId, string? url) =>
        app.WithDbAsync((_, services) => services.GetRequiredService<ManageIntegrations>().SetChangeFeedAsync(integrationId, url, CancellationToken.None));

    /// Points the integration at the source until the answer is disposed: the poller reads every integration with a feed,
    /// so one left pointing at a stopped source would keep failing while later tests run.
    private async Task<IAsyncDisposable> ReadingChangesFromAsync(Guid integrationId, ChangeFeedSource source)
    {
        Assert.NotNull((await ReadChangesFromAsync(integrationId, source.Url)).Value);
        return new StopReading(() => ReadChangesFromAsync(integrationId, null));
    }

    private sealed class StopReading(Func<Task> stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await stop();
    }

    /// Waits for the background poller, which reads due feeds every 200 ms in tests.
    private async Task<Integration> WaitForAsync(Guid integrationId, Func<Integration, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var integration = await app.ReloadAsync(integrationId);
            if (condition(integration))
            {
                return integration;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Timed out; the integration is at cursor {integration.ChangeFeedCursor}, last error: {integration.LastError}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_change_feed_is_read_page_by_page_and_each_poll_resumes_at_the_kept_cursor()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        await using var source = await ChangeFeedSource.StartAsync();
        string a = NewExternalId("F"), b = NewExternalId("F");
        source.Pages[""] = ChangeFeedSource.Page("c1", hasMore: true, invoices: [Versioned(InvoiceJson(a, account.ExternalId!, number: "INV-A1"), 1), Versioned(InvoiceJson(b, account.ExternalId!), 1)]);
        source.Pages["c1"] = ChangeFeedSource.Page("c2", invoices: [Versioned(InvoiceJson(a, account.ExternalId!, number: "INV-A2"), 2), new JsonObject { ["externalId"] = b, ["deleted"] = true, ["version"] = 2 }]);
        source.Pages["c2"] = ChangeFeedSource.Page("c2");
        await using var reading = await ReadingChangesFromAsync(integration.Id, source);

        var read = await WaitForAsync(integration.Id, i => i.ChangeFeedCursor == "c2" && source.Requested.Count(c => c == "c2") >= 2);

        Assert.Equal([null, "c1", "c2", "c2"], source.Requested.Take(4));
        var invoice = Assert.Single(await app.InvoicesOfAsync(integration.Id));
        Assert.Equal((a, "INV-A2", (long?)2), (invoice.ExternalId, invoice.Number, invoice.SourceVersion));
        Assert.NotNull(read.LastSuccessAt);
        Assert.Equal(0, read.PollFailures);
    }

    [Fact]
    public async Task An_outage_shows_as_a_failure_on_the_health_page_backs_off_and_resumes_at_the_same_cursor()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        await using var source = await ChangeFeedSource.StartAsync();
        var id = NewExternalId("O");
        source.Pages[""] = ChangeFeedSource.Page("c1", invoices: [Versioned(InvoiceJson(id, account.ExternalId!), 1)]);
        source.Pages["c1"] = ChangeFeedSource.Page("c2", invoices: [Versioned(InvoiceJson(id, account.ExternalId!, number: "INV-AFTER"), 2)]);
        source.Pages["c2"] = ChangeFeedSource.Page("c2");
        await using var reading = await ReadingChangesFromAsync(integration.Id, source);
        await WaitForAsync(integration.Id, i => i.ChangeFeedCursor is not null);
        source.Outage = StatusCodes.Status503ServiceUnavailable;
        await app.WithDbAsync(db => db.Integrations.Where(i => i.Id == integration.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.NextPollAt, (DateTime?)null)));

        var failing = await WaitForAsync(integration.Id, i => i.PollFailures >= 3);

        Assert.Contains("503", failing.LastError, StringComparison.Ordinal);
        Assert.Equal("c1", failing.ChangeFeedCursor);
        // The wait doubles: 200 ms, 400 ms, 800 ms, then 1 s at most in tests.
        Assert.True(failing.NextPollAt - failing.LastFailureAt >= TimeSpan.FromMilliseconds(800), $"Next poll {failing.NextPollAt:O} after failure {failing.LastFailureAt:O}");
        await app.WithDbAsync(db => db.Integrations.Where(i => i.Id == integration.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.LastSuccessAt, DateTime.UtcNow.AddHours(-2))));
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var browser = await app.SignInAsync(admin);
        var page = await PorticoClient.ParseAsync(await browser.Http.GetAsync(new Uri("/staff/integrations", UriKind.Relative)));
        var card = page.QuerySelectorAll("[data-testid=integration]").Single(c => c.TextContent.Contains(integration.Name, StringComparison.Ordinal));
        Assert.Contains("Late", card.QuerySelector("h3")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("503", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("failed polls in a row", card.QuerySelector("[data-testid=change-feed]")!.TextContent, StringComparison.Ordinal);

        source.Outage = null;
        var recovered = await WaitForAsync(integration.Id, i => i.ChangeFeedCursor == "c2");

        Assert.Equal(0, recovered.PollFailures);
        Assert.False(recovered.IsStale(DateTime.UtcNow));
        Assert.Equal("INV-AFTER", Assert.Single(await app.InvoicesOfAsync(integration.Id)).Number);
    }

    [Fact]
    public async Task A_cursor_the_source_no_longer_knows_is_a_clear_failure_and_nothing_is_applied()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        await using var source = await ChangeFeedSource.StartAsync();
        source.Pages[""] = ChangeFeedSource.Page("old");
        await using var reading = await ReadingChangesFromAsync(integration.Id, source);
        await WaitForAsync(integration.Id, i => i.ChangeFeedCursor == "old");
        // The source forgot "old" and starts over with other pages.
        source.Pages[""] = ChangeFeedSource.Page("new", invoices: [Versioned(InvoiceJson(NewExternalId("G"), account.ExternalId!), 1)]);

        var failed = await WaitForAsync(integration.Id, i => i.LastError is not null);

        Assert.Contains("no longer knows cursor \"old\"", failed.LastError, StringComparison.Ordinal);
        Assert.Equal("old", failed.ChangeFeedCursor);
        Assert.Empty(await app.InvoicesOfAsync(integration.Id));
    }

    [Fact]
    public async Task A_page_with_records_the_integration_does_not_own_applies_nothing_and_keeps_the_cursor()
    {
        var (integration, client, account) = await app.OwnerAndMappedAccountAsync(Invoices);
        using var _ = client;
        var (other, otherClient) = await app.OwnerAsync(SyncedObjectTypes.Orders);
        using var __ = otherClient;
        await using var source = await ChangeFeedSource.StartAsync();
        source.Pages[""] = ChangeFeedSource.Page("c1", invoices: [Versioned(InvoiceJson(NewExternalId("P"), account.ExternalId!), 1)],
            orders: [OrderJson(NewExternalId("P"), account.ExternalId!)]);
        await using var reading = await ReadingChangesFromAsync(integration.Id, source);

        var failed = await WaitForAsync(integration.Id, i => i.LastError is not null);

        Assert.Contains("sent orders", failed.LastError, StringComparison.Ordinal);
        Assert.Contains("Nothing of the page was applied", failed.LastError, StringComparison.Ordinal);
        Assert.Null(failed.ChangeFeedCursor);
        Assert.Empty(await app.InvoicesOfAsync(integration.Id));
        Assert.NotEqual(other.Id, integration.Id);
    }

    [Theory]
    [InlineData("http://10.1.2.3/changes", "private")]
    [InlineData("http://169.254.169.254/latest/", "cloud metadata")]
    [InlineData("ftp://127.0.0.1/changes", "http or https")]
    [InlineData("/changes", "absolute")]
    public async Task A_change_feed_address_outside_the_webhook_rules_is_refused_before_anything_is_sent(string url, string says)
    {
        var integration = await app.CreateIntegrationAsync();

        var outcome = await ReadChangesFromAsync(integration.Id, url);

        Assert.Null(outcome.Value);
        Assert.Contains(says, outcome.Message, StringComparison.Ordinal);
        Assert.Null((await app.ReloadAsync(integration.Id)).ChangeFeedUrl);
    }
}
