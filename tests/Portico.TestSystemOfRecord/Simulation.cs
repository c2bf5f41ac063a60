using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portico.TestSystemOfRecord;

internal sealed record SimulationSettings(Uri Portico, string Key, int Operations, int Seed, int Bulk, string StatePath);

/// What went wrong on purpose, and what the portal answered, as the closing note reports it.
internal sealed class Faults
{
    public int Batches { get; set; }
    public int Duplicated { get; set; }
    public int Reordered { get; set; }
    public int Dropped { get; set; }
    public int Invalid { get; set; }
    public int KilledMidBatch { get; set; }
    public int KillsAfterAnswer { get; set; }
    public double OutageSeconds { get; set; }
    public int Throttled { get; set; }
    public int Retried { get; set; }
    public Dictionary<string, int> Outcomes { get; } = [];
}

/// Makes the source's changes round by round and delivers them to the portal with the faults injected.
internal sealed class Simulation(SimulationSettings settings, TextWriter output, TextReader input) : IDisposable
{
    private const int BatchSize = 50;
    private const int SnapshotPage = 500;
    private static readonly string[] DriftCounts = ["records", "created", "changed", "deleted", "unchanged", "stale", "failed"];

    private readonly Random _random = new(settings.Seed);
    private readonly Faults _faults = new();
    /// Accounts the portal answered for, so the bulk batch names only accounts it holds.
    private readonly HashSet<string> _accountsInPortico = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
    {
        BaseAddress = settings.Portico,
        Timeout = TimeSpan.FromMinutes(2),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", settings.Key) },
    };

    public async Task RunAsync()
    {
        var source = new Source(_random);
        var rounds = Math.Max(6, settings.Operations / 250);
        var perRound = settings.Operations / rounds;
        var (killRound, outageRound) = (rounds / 3, 2 * rounds / 3);
        var later = new List<(string Type, List<JsonObject> Records)>();
        for (var round = 0; round < rounds; round++)
        {
            var changes = Enumerable.Range(0, round == rounds - 1 ? settings.Operations - perRound * (rounds - 1) : perRound).Select(_ => source.Next()).ToList();
            var delivery = Faulty(Batches(changes), source, out var dropped);
            if (round == killRound)
            {
                await KillMidBatchAsync(source);
            }
            foreach (var (type, records) in delivery)
            {
                await SendBatchAsync(type, records);
            }
            // Batches dropped in an earlier round arrive now, after newer copies of their records.
            foreach (var (type, records) in later)
            {
                await SendBatchAsync(type, records);
            }
            later = dropped;
            output.WriteLine($"round {round + 1}/{rounds}: {changes.Count} changes in {delivery.Count} batches");
            if (round == outageRound)
            {
                await OutageAsync();
            }
        }
        foreach (var (type, records) in later)
        {
            await SendBatchAsync(type, records);
        }
        // Reconciliation: accounts cannot be reconciled, so all of them once; invoices and orders by one snapshot each.
        await SendBatchAsync(Source.Accounts, [.. source.AccountRecords.Values.Select(r => (JsonObject)r.DeepClone())]);
        var drift = new JsonObject();
        foreach (var type in new[] { Source.Invoices, Source.Orders })
        {
            drift[type] = await SnapshotAsync(type, source.Records(type).Values.ToList());
        }
        var state = new JsonObject
        {
            ["changes"] = source.Changes,
            ["unknownAccount"] = Source.UnknownAccount,
            ["accounts"] = new JsonArray([.. source.AccountRecords.Values.Select(Clone)]),
            ["invoices"] = new JsonArray([.. source.InvoiceRecords.Values.Select(Clone)]),
            ["orders"] = new JsonArray([.. source.OrderRecords.Values.Select(Clone)]),
            ["faults"] = JsonSerializer.SerializeToNode(_faults),
            ["reconciliation"] = drift,
        };
        await File.WriteAllTextAsync(settings.StatePath, state.ToJsonString());
        output.WriteLine($"done {JsonSerializer.Serialize(_faults)} reconciliation {drift.ToJsonString()}");
    }

    private static JsonNode Clone(JsonObject record) => record.DeepClone();

    public void Dispose() => _http.Dispose();

    /// Consecutive changes of one type in batches, each record at most once per batch (a batch naming a record twice is refused).
    private static List<(string Type, List<JsonObject> Records)> Batches(List<Change> changes)
    {
        var batches = new List<(string Type, List<JsonObject> Records)>();
        foreach (var change in changes)
        {
            var last = batches.LastOrDefault(b => b.Type == change.Type);
            if (last.Records is null || last.Records.Count == BatchSize || last.Records.Any(r => (string)r["externalId"]! == change.Id))
            {
                batches.Add((change.Type, [change.Record]));
            }
            else
            {
                last.Records.Add(change.Record);
            }
        }
        return batches;
    }

    /// The round's batches as they arrive: some with an invalid record added, some dropped (sent after the next round),
    /// some twice, and swapped with one of the next few.
    private List<(string Type, List<JsonObject> Records)> Faulty(List<(string Type, List<JsonObject> Records)> batches, Source source,
        out List<(string Type, List<JsonObject> Records)> dropped)
    {
        dropped = [];
        var delivery = new List<(string Type, List<JsonObject> Records)>();
        foreach (var (type, records) in batches)
        {
            var sent = records.ToList();
            if (_random.Next(8) == 0)
            {
                sent.Insert(_random.Next(sent.Count + 1), source.Invalid(type));
                _faults.Invalid++;
            }
            if (_random.Next(10) == 0)
            {
                dropped.Add((type, sent));
                _faults.Dropped++;
                continue;
            }
            delivery.Add((type, sent));
            if (_random.Next(6) == 0)
            {
                delivery.Add((type, sent));
                _faults.Duplicated++;
            }
        }
        for (var i = 0; i < delivery.Count - 1; i++)
        {
            var j = Math.Min(delivery.Count - 1, i + _random.Next(4));
            if (j != i)
            {
                (delivery[i], delivery[j]) = (delivery[j], delivery[i]);
                _faults.Reordered++;
            }
        }
        return delivery;
    }

    /// A bulk batch of new orders; while the portal works on it the test kills it (SIGKILL) and starts it again. The batch
    /// is then sent again, as a source retries a request that got no answer.
    private async Task KillMidBatchAsync(Source source)
    {
        var accounts = _accountsInPortico.Where(source.AccountRecords.ContainsKey).Order(StringComparer.Ordinal).ToList();
        if (accounts.Count == 0)
        {
            throw new InvalidOperationException("The portal holds none of the source's accounts before the bulk batch.");
        }
        var prefix = "O-BULK-";
        var records = source.Bulk(settings.Bulk, accounts, prefix).Select(c => c.Record).ToList();
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["records"] = new JsonArray([.. records.Select(Clone)]) }.ToJsonString());
        using var content = new SignallingContent(body);
        var sending = _http.PutAsync(new Uri("/api/integration/" + Source.Orders, UriKind.Relative), content);
        await Task.WhenAny(content.Sent.Task, sending);
        await Task.WhenAny(Task.Delay(150), sending);
        var answeredFirst = sending.IsCompleted;
        output.WriteLine($"kill {prefix} {records.Count}");
        await WaitForAsync("restarted");
        try
        {
            using var response = await sending;
            _faults.KillsAfterAnswer++;
        }
        catch (HttpRequestException)
        {
            if (answeredFirst)
            {
                _faults.KillsAfterAnswer++;
            }
            else
            {
                _faults.KilledMidBatch++;
            }
        }
        await SendBatchAsync(Source.Orders, records);
    }

    /// The source stops delivering until the test, which watches the portal's pages, says the outage is over.
    private async Task OutageAsync()
    {
        var outage = Stopwatch.StartNew();
        output.WriteLine("outage");
        await WaitForAsync("resume");
        _faults.OutageSeconds = Math.Round(outage.Elapsed.TotalSeconds, 1);
    }

    private async Task WaitForAsync(string word)
    {
        while (await input.ReadLineAsync() is { } line)
        {
            if (line.Trim() == word)
            {
                return;
            }
        }
        throw new InvalidOperationException($"The test closed the line before \"{word}\".");
    }

    private async Task SendBatchAsync(string type, List<JsonObject> records)
    {
        var body = new JsonObject { ["records"] = new JsonArray([.. records.Select(Clone)]) }.ToJsonString();
        var answer = await SendAsync(HttpMethod.Put, "/api/integration/" + type, body);
        _faults.Batches++;
        foreach (var result in answer["results"]!.AsArray())
        {
            var outcome = (string)result!["outcome"]!;
            _faults.Outcomes[outcome] = _faults.Outcomes.GetValueOrDefault(outcome) + 1;
            if (type == Source.Accounts && outcome != "error" && result["externalId"] is { } id)
            {
                _accountsInPortico.Add((string)id!);
            }
        }
    }

    /// One snapshot: started, its pages in order, then the end marker, which answers the drift (its counts are kept).
    private async Task<JsonNode> SnapshotAsync(string type, List<JsonObject> records)
    {
        var started = await SendAsync(HttpMethod.Post, $"/api/integration/{type}/snapshots", null);
        var id = (string)started["snapshotId"]!;
        var pages = records.Chunk(SnapshotPage).ToList();
        for (var i = 0; i < pages.Count; i++)
        {
            await SendAsync(HttpMethod.Put, $"/api/integration/{type}/snapshots/{id}/pages/{i + 1}",
                new JsonObject { ["records"] = new JsonArray([.. pages[i].Select(Clone)]) }.ToJsonString());
        }
        var end = await SendAsync(HttpMethod.Post, $"/api/integration/{type}/snapshots/{id}/end?pages={pages.Count}", null);
        return new JsonObject(DriftCounts.Select(name => KeyValuePair.Create(name, end[name]?.DeepClone())));
    }

    /// Sends until the portal answers: waits out 429 by Retry-After, and retries a conflict with another batch (409 on a
    /// batch), a server that does not answer or a 5xx with a growing pause. Anything else is a failure of the run.
    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? body)
    {
        var wait = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }
                using var response = await _http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    return JsonNode.Parse(text)!;
                }
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    _faults.Throttled++;
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                    continue;
                }
                var retry = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.Conflict && method == HttpMethod.Put && !path.Contains("/snapshots/", StringComparison.Ordinal);
                if (!retry || attempt >= 20)
                {
                    throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
                }
            }
            catch (HttpRequestException) when (attempt < 20)
            {
            }
            _faults.Retried++;
            await Task.Delay(wait);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    /// A body that says when it has been written to the connection.
    private sealed class SignallingContent : HttpContent
    {
        private readonly byte[] _body;

        public SignallingContent(byte[] body)
        {
            _body = body;
            Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_body);
            await stream.FlushAsync();
            Sent.TrySetResult();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}
