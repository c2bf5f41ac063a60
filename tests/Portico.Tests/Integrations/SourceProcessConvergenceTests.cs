using Xunit.Abstractions;

namespace Portico.Tests.Integrations;

/// The portal as a real process and a simulated system of record (tests/Portico.TestSystemOfRecord) as another, on
/// loopback. The source makes random creates, changes and deletes of accounts, invoices and orders and pushes them with
/// faults: duplicates, reordering, dropped batches sent later, partly invalid batches, an outage longer than the
/// integration's expected interval, and the portal killed with SIGKILL during a bulk batch and started again on the same
/// database. After one reconciliation every record in the portal equals the source's, field by field.
/// PORTICO_CONVERGENCE_OPERATIONS sets how many changes the source makes (1,500 by default; `scripts/test --long` uses 20,000).
public sealed class SourceProcessConvergenceTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// The in-process app only prepares the database and reads it; the process under test polls and delivers.
    public sealed class SetupApp : PorticoApp
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Outbox:Enabled"] = "false",
            ["ChangeFeeds:Enabled"] = "false",
        };
    }

    private const int ExpectedSyncMinutes = 1;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(ExpectedSyncMinutes);
    /// How late after the interval the test may notice the warning: it looks once a second, over a busy machine.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);

    private readonly SetupApp _app = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("portico-source-").FullName;
    private readonly int _port = SmtpSink.FreePort();
    private Process? _portico;
    private Process? _source;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in new[] { _source, _portico }.OfType<Process>())
        {
            ServerProcess.Stop(process);
        }
        await _app.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task A_source_process_with_faults_an_outage_and_a_killed_portal_converges_after_one_reconciliation()
    {
        var operations = int.TryParse(Environment.GetEnvironmentVariable("PORTICO_CONVERGENCE_OPERATIONS"), out var n) ? n : 1500;
        var integration = await _app.CreateIntegrationAsync(ExpectedSyncMinutes);
        var (_, key) = await _app.CreateKeyAsync(integration);
        foreach (var type in SyncedObjectTypes.All)
        {
            await _app.SetOwnerAsync(type, integration.Id);
        }
        var admin = await _app.CreateUserAsync(staffRole: StaffRole.Admin);
        var (watched, customer) = await _app.CreateCustomerAsync(BuiltInRoles.Owner);
        _portico = StartPortico();
        await WaitReadyAsync();

        var state = Path.Combine(_directory, "source.json");
        var source = _source = StartSource(key, operations, state);
        var stale = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5 + operations / 1000));
        while (await source.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            output.WriteLine(line);
            if (line.StartsWith("kill ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                await KillAndRestartAsync(parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture));
                await source.StandardInput.WriteLineAsync("restarted");
            }
            else if (line == "outage")
            {
                stale.AddRange(await WatchOutageAsync(integration, admin, customer, watched));
                await source.StandardInput.WriteLineAsync("resume");
            }
            else if (line.StartsWith("done", StringComparison.Ordinal) || line.StartsWith("failed", StringComparison.Ordinal))
            {
                break;
            }
        }
        await source.WaitForExitAsync(timeout.Token);
        Assert.True(source.ExitCode == 0, "The simulated source failed; its output is in the test's output.");

        var sent = JsonNode.Parse(await File.ReadAllTextAsync(state))!;
        var (compared, divergences) = await CompareAsync(integration, sent);
        var faults = sent["faults"]!;
        // Delivery resumed: the pages no longer warn.
        using (var staff = await SignInAsync(admin))
        using (var person = await SignInAsync(customer))
        {
            var (late, warned) = await PagesAsync(staff, person, watched, integration);
            if (late || warned)
            {
                divergences.Add("the pages still warn after delivery resumed");
            }
        }
        var note = $"{compared} records compared after {sent["changes"]} changes (a bulk batch among them) on {_app.Provider}; faults: {faults["Duplicated"]} duplicated, "
            + $"{faults["Reordered"]} reordered, {faults["Dropped"]} dropped and sent later, {faults["Invalid"]} invalid records, "
            + $"{faults["KilledMidBatch"]} kill during a batch ({faults["KillsAfterAnswer"]} after its answer), an outage of {faults["OutageSeconds"]} s; "
            + $"{faults["Batches"]} batches, {faults["Throttled"]} throttled, {faults["Retried"]} retried; outcomes {faults["Outcomes"]!.ToJsonString()}; "
            + $"reconciliation {sent["reconciliation"]!.ToJsonString()}; {string.Join("; ", stale)}; divergences: {divergences.Count}";
        output.WriteLine(note);
        if (Environment.GetEnvironmentVariable("PORTICO_ARTIFACTS") is { Length: > 0 } artifacts)
        {
            await File.AppendAllTextAsync(Path.Combine(artifacts, "convergence.log"), $"{DateTime.UtcNow:u} {note}\n");
        }
        Assert.True(divergences.Count == 0, note + "\n" + string.Join("\n", divergences.Take(30)));
        Assert.True((int)faults["KilledMidBatch"]! + (int)faults["KillsAfterAnswer"]! == 1 && (int)faults["Duplicated"]! > 0 && (int)faults["Dropped"]! > 0
            && (int)faults["Invalid"]! > 0 && (int)faults["Reordered"]! > 0, note);
    }

    private Process StartPortico() => AppProcess.Start(_directory, _app.Provider, _app.ConnectionString, _port, _app.Mail.Port, new Dictionary<string, string>
    {
        ["Storage__LocalPath"] = Path.Combine(_directory, "blobs"),
        ["LoginLimits__PerMinutePerAddress"] = "1000",
        ["Logging__LogLevel__Default"] = "Warning",
    }, demo: false);

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
        await AppProcess.WaitReadyAsync(http, _portico!);
    }

    private Process StartSource(string key, int operations, string state)
    {
        var dll = Path.Combine(Path.GetDirectoryName(AppProcess.AppDirectory().TrimEnd(Path.DirectorySeparatorChar))!
            .Replace(Path.Combine("src", "Portico", "bin"), Path.Combine("tests", "Portico.TestSystemOfRecord", "bin"), StringComparison.Ordinal),
            "net10.0", "Portico.TestSystemOfRecord.dll");
        Assert.True(File.Exists(dll), $"The simulated system of record is not built at {dll}; build the solution.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, WorkingDirectory = _directory };
        foreach (var arg in new[] { dll, "--portico", $"http://127.0.0.1:{_port}", "--key", key, "--operations", operations.ToString(CultureInfo.InvariantCulture),
                     "--state", state, "--bulk", operations >= 10_000 ? "3000" : "1000" })
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }

    /// SIGKILL while the bulk batch is in flight; the batch applied all or nothing; then the portal starts again on the same database.
    private async Task KillAndRestartAsync(string prefix, int records)
    {
        _portico!.Kill(); // SIGKILL: no shutdown hooks run
        await _portico.WaitForExitAsync();
        _portico.Dispose();
        var applied = await _app.WithDbAsync((db, _) => db.Orders.IgnoreQueryFilters().CountAsync(o => o.ExternalId.StartsWith(prefix)));
        Assert.True(applied == 0 || applied == records, $"A batch of {records} orders killed part-way left {applied} of them.");
        output.WriteLine($"killed: the bulk batch was {(applied == 0 ? "rolled back" : "committed before the kill")}");
        _portico = StartPortico();
        await WaitReadyAsync();
    }

    /// While the source is silent: no warning before one expected interval has passed since the last delivery, both pages warn
    /// within one interval (and the time it takes to look), and the outage lasts longer than the interval.
    private async Task<List<string>> WatchOutageAsync(Integration integration, PorticoUser admin, PorticoUser customer, Account watched)
    {
        var last = (await _app.ReloadAsync(integration.Id)).LastSuccessAt!.Value;
        var notes = new List<string>();
        DateTime? warnedAt = null;
        var freshSeen = false;
        using var staff = await SignInAsync(admin);
        using var person = await SignInAsync(customer);
        while (true)
        {
            var (late, warned) = await PagesAsync(staff, person, watched, integration);
            var now = DateTime.UtcNow;
            if (now - last < Interval - TimeSpan.FromSeconds(1))
            {
                Assert.False(late || warned, $"{(now - last).TotalSeconds:0} s after the last delivery a page already warns (health page late: {late}, invoice list warns: {warned}).");
                freshSeen = true;
            }
            else if (late && warned)
            {
                warnedAt ??= now;
            }
            else
            {
                Assert.True(now - last <= Interval + Slack, $"{(now - last).TotalSeconds:0} s after the last delivery the pages do not both warn (health page late: {late}, invoice list warns: {warned}).");
            }
            if (warnedAt is not null && now - last > Interval + TimeSpan.FromSeconds(2))
            {
                break;
            }
            await Task.Delay(1000);
        }
        Assert.True(freshSeen, "The pages never showed fresh data before the interval passed.");
        Assert.True(warnedAt - last >= Interval, "The pages warned before one expected interval had passed.");
        notes.Add($"stale warning shown {(warnedAt!.Value - last).TotalSeconds:0.0} s after the last delivery (expected every {Interval.TotalSeconds:0} s)");
        return notes;
    }

    /// Whether the health page marks the integration late and the customer's invoice list warns.
    private static async Task<(bool Late, bool Warned)> PagesAsync(PorticoClient staff, PorticoClient person, Account watched, Integration integration)
    {
        var health = await staff.GetPageAsync("/staff/integrations");
        var heading = health.QuerySelectorAll("h3").Single(h => h.TextContent.Trim().StartsWith(integration.Name, StringComparison.Ordinal));
        var late = heading.QuerySelector(".badge")?.TextContent.Trim() == "Late";
        var invoices = await person.GetPageAsync($"/a/{watched.Id}/invoices");
        var warned = invoices.QuerySelector("[data-testid=stale-warning]") is not null;
        Assert.True(warned || invoices.QuerySelector("[data-testid=freshness]") is not null, "The invoice list has no freshness line.");
        return (late, warned);
    }

    private async Task<PorticoClient> SignInAsync(PorticoUser user)
    {
        var client = new PorticoClient(new HttpClient(new HttpClientHandler { UseCookies = true, AllowAutoRedirect = false })
            { BaseAddress = new Uri($"http://127.0.0.1:{_port}") });
        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginAsync(user.Email!, PorticoApp.Password)).StatusCode);
        return client;
    }

    /// Every record of the source against the portal's, field by field; records only the portal has are divergences too.
    private async Task<(int Compared, List<string> Divergences)> CompareAsync(Integration integration, JsonNode sent)
    {
        var divergences = new List<string>();
        var unknown = (string)sent["unknownAccount"]!;
        var accounts = await _app.WithDbAsync((db, _) => db.Accounts.AsNoTracking().Where(a => a.ExternalId != null).ToDictionaryAsync(a => a.ExternalId!));
        var accountIds = accounts.ToDictionary(a => a.Key, a => a.Value.Id);
        var invoices = await _app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AsNoTracking().Where(i => i.IntegrationId == integration.Id)
            .ToDictionaryAsync(i => i.ExternalId));
        var orders = await _app.WithDbAsync((db, _) => db.Orders.IgnoreQueryFilters().AsNoTracking().Where(o => o.IntegrationId == integration.Id)
            .ToDictionaryAsync(o => o.ExternalId));
        var incidents = await _app.WithDbAsync((db, _) => db.DataQualityIncidents.AsNoTracking().Where(i => i.IntegrationId == integration.Id && i.ResolvedAt == null)
            .Select(i => i.ObjectType + "/" + i.ExternalId).ToListAsync());
        var compared = 0;
        void Differs(string what, string field, object? source, object? portal)
        {
            if (!Equals(source, portal))
            {
                divergences.Add($"{what}: {field} is {portal ?? "null"} in the portal, {source ?? "null"} at the source");
            }
        }
        foreach (var record in sent["accounts"]!.AsArray().Select(r => r!))
        {
            var id = (string)record["externalId"]!;
            compared++;
            if (!accounts.Remove(id, out var account))
            {
                divergences.Add($"account {id} is missing");
                continue;
            }
            Differs("account " + id, "name", (string)record["name"]!, account.Name);
            Differs("account " + id, "updatedAt", DateTime.Parse((string)record["updatedAt"]!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), account.SourceUpdatedAt);
        }
        Guid? AccountOf(string externalId) => accountIds.TryGetValue(externalId, out var id) ? id : null;
        // The source's records of one kind, each with the portal's copy; a record of the unknown account must have an open
        // incident and no copy, and a record without a copy is a divergence.
        IEnumerable<(string What, JsonNode Record, T Stored)> Stored<T>(string kind, string name, Dictionary<string, T> stored)
        {
            foreach (var record in sent[kind]!.AsArray().Select(r => r!))
            {
                var id = (string)record["externalId"]!;
                var what = name + " " + id;
                compared++;
                if ((string)record["externalAccountId"]! == unknown)
                {
                    Differs(what, "open incident", true, incidents.Contains(kind + "/" + id));
                    Differs(what, "stored", false, stored.Remove(id));
                    continue;
                }
                if (!stored.Remove(id, out var copy))
                {
                    divergences.Add(what + " is missing");
                    continue;
                }
                yield return (what, record, copy);
            }
        }
        foreach (var (what, record, invoice) in Stored("invoices", "invoice", invoices))
        {
            var currency = (string)record["currency"]!;
            long Minor(JsonNode? amount) => Currencies.ToMinor((decimal)amount!, currency)!.Value;
            Differs(what, "account", AccountOf((string)record["externalAccountId"]!), invoice.AccountId);
            Differs(what, "number", (string)record["number"]!, invoice.Number);
            Differs(what, "currency", currency, invoice.Currency);
            Differs(what, "issuedOn", DateOnly.Parse((string)record["issuedOn"]!, CultureInfo.InvariantCulture), invoice.IssuedOn);
            Differs(what, "dueOn", DateOnly.Parse((string)record["dueOn"]!, CultureInfo.InvariantCulture), invoice.DueOn);
            Differs(what, "status", Enum.Parse<InvoiceStatus>((string)record["status"]!, ignoreCase: true), invoice.Status);
            Differs(what, "total", Minor(record["total"]), invoice.TotalMinor);
            Differs(what, "lines", string.Join("|", record["lines"]!.AsArray().Select(l => $"{l!["description"]};{(decimal)l["quantity"]!};{Minor(l["unitPrice"])};{Minor(l["amount"])}")),
                string.Join("|", invoice.Lines.Select(l => $"{l.Description};{l.Quantity};{l.UnitPriceMinor};{l.AmountMinor}")));
            Differs(what, "payments", string.Join("|", record["payments"]!.AsArray().Select(p => $"{p!["paidOn"]};{Minor(p["amount"])};{p["reference"]}")),
                string.Join("|", invoice.Payments.Select(p => $"{p.PaidOn:yyyy-MM-dd};{p.AmountMinor};{p.Reference}")));
            Differs(what, "pdfUrl", (string?)record["pdfUrl"], invoice.PdfUrl);
            Differs(what, "version", (long)record["version"]!, invoice.SourceVersion);
        }
        foreach (var (what, record, order) in Stored("orders", "order", orders))
        {
            Differs(what, "account", AccountOf((string)record["externalAccountId"]!), order.AccountId);
            Differs(what, "reference", (string)record["reference"]!, order.Reference);
            Differs(what, "title", (string)record["title"]!, order.Title);
            Differs(what, "kind", (string)record["kind"]!, order.Kind);
            Differs(what, "status", (string)record["status"]!, order.Status);
            Differs(what, "milestones", string.Join("|", record["milestones"]!.AsArray().Select(m => $"{m!["name"]};{m["dueOn"]};{m["doneOn"]}")),
                string.Join("|", order.Milestones.Select(m => $"{m.Name};{m.DueOn:yyyy-MM-dd};{m.DoneOn:yyyy-MM-dd}")));
            Differs(what, "tracking", record["tracking"] is { } t ? $"{t["carrier"]};{t["number"]};{t["url"]}" : ";;",
                $"{order.TrackingCarrier};{order.TrackingNumber};{order.TrackingUrl}");
            Differs(what, "timeline", string.Join("|", record["timeline"]!.AsArray().Select(e => $"{e!["at"]};{e["text"]}")),
                string.Join("|", order.Timeline.Select(e => $"{e.At:yyyy-MM-ddTHH:mm:ssZ};{e.Text}")));
            Differs(what, "version", (long)record["version"]!, order.SourceVersion);
        }
        divergences.AddRange(accounts.Keys.Select(id => $"account {id} is in the portal but not at the source"));
        divergences.AddRange(invoices.Keys.Concat(orders.Keys).Select(id => $"{id} is in the portal but not at the source"));
        return (compared, divergences);
    }
}
