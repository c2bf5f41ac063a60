using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Features.Identity;
using Portico.Data;

namespace Portico.Bench;

/// A busy portal: many signed-in customers of one account (the demo's Northwind Traders) create requests and reply,
/// to their own and to one request everybody follows, through the API for a fixed time. Prints the answers by
/// status code; fails when any answer is a server error or none came back.
internal static class WritersScenario
{
    public static async Task<int> Run(DatabaseProvider provider, string connection, Uri baseUrl, int customers, int seconds)
    {
        var passwordHash = new PasswordHasher<PorticoUser>().HashPassword(new PorticoUser(), DemoData.Password);
        Guid accountId;
        var emails = new List<string>();
        await using (var db = BenchDatabase.Open(provider, connection))
        {
            accountId = await db.Accounts.Where(a => a.Name == "Northwind Traders").Select(a => a.Id).SingleAsync();
            var owner = await db.Roles.Where(r => r.Name == BuiltInRoles.Owner).Select(r => r.Id).SingleAsync();
            var run = Guid.NewGuid().ToString("N")[..6];
            for (var i = 0; i < customers; i++)
            {
                var email = $"writer{i:D2}-{run}@bench.example";
                var user = new PorticoUser
                {
                    Id = Guid.NewGuid(), UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
                    EmailConfirmed = true, PasswordHash = passwordHash, SecurityStamp = Guid.NewGuid().ToString("N"), LockoutEnabled = true,
                    DisplayName = $"Writer {i}", CreatedAt = DateTime.UtcNow,
                };
                db.Users.Add(user);
                db.Memberships.Add(new Membership(accountId, user.Id, owner, DateTime.UtcNow));
                emails.Add(email);
            }
            await db.SaveChangesAsync();
        }
        var clients = new List<HttpClient>();
        foreach (var email in emails)
        {
            if (await SignIns.SignIn(baseUrl, email) is not { } session)
            {
                Console.Error.WriteLine($"{email} could not sign in");
                return 1;
            }
            clients.Add(session.Http);
        }
        var api = $"/api/accounts/{accountId}/requests";
        var types = await clients[0].GetStringAsync(new Uri($"/api/accounts/{accountId}/request-types", UriKind.Relative));
        // The demo's billing type: one required field, which every creation fills in.
        var typeId = Regex.Match(types, "\"id\":\"([0-9a-f-]+)\",\"name\":\"Billing question\"").Groups[1].Value;
        if (typeId.Length == 0)
        {
            Console.Error.WriteLine("The demo account has no \"Billing question\" request type.");
            return 1;
        }
        var fields = new Dictionary<string, string> { ["invoice-number"] = "INV-2041" };
        using var sharedAnswer = await clients[0].PostAsync(new Uri(api, UriKind.Relative), Json(new { typeId, subject = "Everyone is affected", shared = true, fields }));
        var shared = Regex.Match(await sharedAnswer.Content.ReadAsStringAsync(), "\"id\":\"([0-9a-f-]+)\"").Groups[1].Value;
        if (shared.Length == 0)
        {
            Console.Error.WriteLine($"The shared request could not be created: {(int)sharedAnswer.StatusCode}");
            return 1;
        }

        var counts = new System.Collections.Concurrent.ConcurrentDictionary<(string Operation, string Status), int>();
        void Count(string operation, string status) => counts.AddOrUpdate((operation, status), 1, (_, n) => n + 1);
        async Task<string?> SendAsync(HttpClient http, string operation, string path, object body)
        {
            try
            {
                using var response = await http.PostAsync(new Uri(path, UriKind.Relative), Json(body));
                Count(operation, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                return response.IsSuccessStatusCode ? Regex.Match(await response.Content.ReadAsStringAsync(), "\"id\":\"([0-9a-f-]+)\"").Groups[1].Value : null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Count(operation, "no answer");
                return null;
            }
        }
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(clients.Select((http, i) => Task.Run(async () =>
        {
            for (var n = 0; clock.Elapsed < deadline; n++)
            {
                if (await SendAsync(http, "create request", api, new { typeId, subject = $"Writer {i} request {n}", fields }) is { } id)
                {
                    await SendAsync(http, "reply to own request", $"{api}/{id}/replies", new { body = $"More detail from writer {i}" });
                }
                await SendAsync(http, "reply to the shared request", $"{api}/{shared}/replies", new { body = $"Writer {i} is affected too ({n})" });
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        foreach (var http in clients)
        {
            http.Dispose();
        }

        Console.WriteLine($"{customers} customers of one account, {elapsed:F0} s, {provider}:");
        Console.WriteLine("| operation | answers | by status |");
        Console.WriteLine("|---|---|---|");
        foreach (var operation in counts.Keys.Select(k => k.Operation).Distinct().Order(StringComparer.Ordinal))
        {
            var mine = counts.Where(c => c.Key.Operation == operation).OrderBy(c => c.Key.Status, StringComparer.Ordinal).ToList();
            Console.WriteLine($"| {operation} | {mine.Sum(c => c.Value)} | {string.Join(", ", mine.Select(c => $"{c.Key.Status}: {c.Value}"))} |");
        }
        await using (var db = BenchDatabase.Open(provider, connection))
        {
            var numbers = await db.Requests.Where(r => r.AccountId == accountId).Select(r => r.Number).ToListAsync();
            var gapFree = numbers.Order().SequenceEqual(Enumerable.Range(1, numbers.Count));
            Console.WriteLine($"Requests in the account: {numbers.Count}, numbers {(gapFree ? "1 to " + numbers.Count + " without gaps or repeats" : "NOT gap-free")}.");
            if (!gapFree)
            {
                return 1;
            }
        }
        var failed = counts.Where(c => c.Key.Status is "no answer" || c.Key.Status.StartsWith('5')).Sum(c => c.Value);
        return failed == 0 && !counts.IsEmpty ? 0 : 1;
    }

    private static StringContent Json(object body) => new(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
