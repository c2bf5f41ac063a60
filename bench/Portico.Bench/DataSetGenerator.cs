using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Features.Activity;
using Portico.Features.Requests;
using Portico.Features.Audit;
using Portico.Features.Billing;
using Portico.Features.Orders;
using Portico.Features.Identity;
using Portico.Features.Insights;
using Portico.Data;

namespace Portico.Bench;

/// A realistic data set for the load run: scale 1 is 10,000 accounts with their people, requests, documents, audit events, invoices and orders.
internal static class DataSetGenerator
{
    public static async Task<int> Generate(DatabaseProvider provider, string connection, double scale, string blobRoot)
    {
        var clock = Stopwatch.StartNew();
        var accounts = (int)(10_000 * scale);
        var users = (int)(40_000 * scale);
        var auditEvents = (int)(3_000_000 * scale);
        await using (var db = BenchDatabase.Open(provider, connection))
        {
            await db.Database.MigrateAsync();
            if (await db.Accounts.AnyAsync())
            {
                // A data set from an earlier generator gets only the parts it lacks.
                Console.WriteLine("Accounts, requests, documents and audit events already generated.");
                // Data sets from before the staff search scenario have no staff Admin: user 1 becomes the one it signs in as.
                await db.Users.Where(u => u.Email == SignIns.StaffAdminEmail)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.StaffRole, StaffRole.Admin));
                await GenerateBilling(provider, connection, scale, clock);
                return await GenerateActivity(provider, connection, clock);
            }
            foreach (var role in BuiltInRoles.Create())
            {
                db.Roles.Add(role);
            }
            await db.SaveChangesAsync();
        }

        var random = new Random(42);
        var now = DateTime.UtcNow;
        // One real hash reused: every generated person can sign in with the demo password.
        var passwordHash = new PasswordHasher<PorticoUser>().HashPassword(new PorticoUser(), DemoData.Password);
        Dictionary<string, Guid> roles;
        await using (var db = BenchDatabase.Open(provider, connection))
        {
            roles = await db.Roles.ToDictionaryAsync(r => r.Name, r => r.Id);
        }
        string[] customerRoles = [BuiltInRoles.Owner, BuiltInRoles.Requester, BuiltInRoles.Requester, BuiltInRoles.Billing, BuiltInRoles.Viewer];

        var accountIds = new Guid[accounts];
        var userIds = new Guid[users];
        const int batch = 5000;
        for (var start = 0; start < accounts; start += batch)
        {
            await using var db = BenchDatabase.Open(provider, connection);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(accounts, start + batch); i++)
            {
                var account = new Account($"Account {i:D6} {Words[random.Next(Words.Length)]}", now.AddDays(-random.Next(1000)), $"CRM-{i:D6}");
                accountIds[i] = account.Id;
                db.Accounts.Add(account);
            }
            await db.SaveChangesAsync();
        }
        for (var start = 0; start < users; start += batch)
        {
            await using var db = BenchDatabase.Open(provider, connection);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(users, start + batch); i++)
            {
                var email = $"user{i:D6}@bench.example";
                var user = new PorticoUser
                {
                    Id = Guid.NewGuid(),
                    UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
                    EmailConfirmed = true, PasswordHash = passwordHash, SecurityStamp = Guid.NewGuid().ToString("N"), LockoutEnabled = true,
                    DisplayName = $"{Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]} {i}", CreatedAt = now,
                    // Users below 20 are staff: user 1 an Admin, the rest Agents.
                    StaffRole = i == 1 ? StaffRole.Admin : i < 20 ? StaffRole.Agent : null,
                };
                userIds[i] = user.Id;
                db.Users.Add(user);
            }
            await db.SaveChangesAsync();
        }
        // Four people per account on average; user i belongs to account i/4, every 50th also to a second account.
        var memberships = 0;
        for (var start = 20; start < users; start += batch)
        {
            await using var db = BenchDatabase.Open(provider, connection);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(users, start + batch); i++)
            {
                var home = accountIds[(i * accounts / users) % accounts];
                var role = (i % 4 == 0) ? BuiltInRoles.Owner : customerRoles[random.Next(customerRoles.Length)];
                db.Memberships.Add(new Membership(home, userIds[i], roles[role], now));
                memberships++;
                if (i % 50 == 0)
                {
                    var second = accountIds[random.Next(accounts)];
                    if (second != home)
                    {
                        db.Memberships.Add(new Membership(second, userIds[i], roles[BuiltInRoles.Auditor], now, now.AddDays(90)));
                        memberships++;
                    }
                }
            }
            await db.SaveChangesAsync();
        }
        Console.WriteLine($"{accounts} accounts, {users} users, {memberships} memberships in {clock.Elapsed.TotalSeconds:F0} s");

        // Requests: 30 per account, about 3.3 messages each, with a timeline event per request.
        var requestCount = (int)(300_000 * scale);
        var messageCount = (int)(1_000_000 * scale);
        RequestType[] types;
        await using (var db = BenchDatabase.Open(provider, connection))
        {
            types =
            [
                new RequestType("Technical support", "Something does not work.", now),
                new RequestType("Billing question", "About an invoice.", now),
                new RequestType("Change request", "Ask for a change.", now),
            ];
            types[0].Update(types[0].Name, types[0].Description, true,
                [new RequestField("product", "Product", FieldKind.Choice, true, ["Portal", "API", "Mobile"]), new RequestField("steps", "Steps", FieldKind.LongText, true, [])],
                [], userIds[0], RequestType.DefaultSla(), now);
            db.RequestTypes.AddRange(types);
            await db.SaveChangesAsync();
        }
        RequestStatus[] statuses = [RequestStatus.New, RequestStatus.InProgress, RequestStatus.WaitingOnCustomer, RequestStatus.Resolved, RequestStatus.Closed, RequestStatus.Closed];
        var messagesLeft = messageCount;
        for (var start = 0; start < requestCount; start += batch)
        {
            await using var db = BenchDatabase.Open(provider, connection);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(requestCount, start + batch); i++)
            {
                var accountIndex = i % accounts;
                // The account's first member submits; user index matches the membership layout above.
                var submitter = Math.Max(20, (int)((long)accountIndex * users / accounts));
                var created = now.AddMinutes(-random.Next(1, 525_600));
                var type = types[random.Next(types.Length)];
                var request = new Request(accountIds[accountIndex], i / accounts + 1, type, $"{Words[random.Next(Words.Length)]} request {i}",
                    (RequestPriority)random.Next(1, 5), userIds[submitter], $"User {submitter}", random.Next(3) == 0,
                    new Dictionary<string, string> { ["product"] = "Portal", ["steps"] = "Open the page and click the button." }, created);
                db.Requests.Add(request);
                db.RequestEvents.Add(new RequestEvent(request, created, $"User {submitter}", "Submitted"));
                var messages = i == requestCount - 1 ? messagesLeft : Math.Min(messagesLeft, random.Next(1, 6));
                for (var m = 0; m < messages; m++)
                {
                    var fromStaff = m % 2 == 1;
                    db.RequestMessages.Add(new RequestMessage(request, fromStaff ? userIds[0] : userIds[submitter], fromStaff ? "Agent" : $"User {submitter}",
                        fromStaff, fromStaff && m == 3, $"Message {m} about request {i}: the button does nothing when clicked twice.", created.AddMinutes(m * 30)));
                }
                messagesLeft -= messages;
                var status = statuses[random.Next(statuses.Length)];
                if (status != RequestStatus.New)
                {
                    request.RecordStaffResponse(created.AddMinutes(30));
                    request.MoveTo(status == RequestStatus.Closed ? RequestStatus.Resolved : status, created.AddMinutes(30));
                    if (status == RequestStatus.Closed)
                    {
                        request.MoveTo(RequestStatus.Closed, created.AddMinutes(60));
                    }
                }
                db.ActivityEntries.Add(new ActivityEntry(request.AccountId, created, $"User {submitter}", $"submitted request #{request.Number}",
                    RequestNotifier.CustomerPath(request), request.Id));
            }
            await db.SaveChangesAsync();
            if ((start / batch) % 10 == 0)
            {
                Console.WriteLine($"  requests: {Math.Min(requestCount, start + batch):N0} ({clock.Elapsed.TotalSeconds:F0} s)");
            }
        }
        Console.WriteLine($"{requestCount:N0} requests, {messageCount - messagesLeft:N0} messages in {clock.Elapsed.TotalSeconds:F0} s");

        // Documents: two folders per account, 20 documents, 10 of them with a second version: 30 versions an account.
        // Blobs are written in the storage layout (root/ab/abcdef…) without the app's per-file fsync.
        var versions = 0;
        for (var start = 0; start < accounts; start += 500)
        {
            await using var db = BenchDatabase.Open(provider, connection);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var a = start; a < Math.Min(accounts, start + 500); a++)
            {
                var general = new Portico.Features.Documents.DocumentFolder(accountIds[a], "General", false, [], [], now);
                var billing = new Portico.Features.Documents.DocumentFolder(accountIds[a], "Billing", false,
                    [BuiltInRoles.Owner, BuiltInRoles.Billing, BuiltInRoles.Auditor], [BuiltInRoles.Owner, BuiltInRoles.Billing], now);
                db.DocumentFolders.AddRange(general, billing);
                for (var d = 0; d < 20; d++)
                {
                    var document = new Portico.Features.Documents.Document(accountIds[a], d % 4 == 0 ? billing.Id : general.Id, $"Report {d:D2}.txt", now.AddDays(-d));
                    db.Documents.Add(document);
                    for (var v = 0; v < (d < 10 ? 2 : 1); v++)
                    {
                        var bytes = Encoding.UTF8.GetBytes($"Report {d} version {v + 1} for account {a}.\n{new string('x', 200 + random.Next(800))}\n");
                        var key = Guid.NewGuid().ToString("N");
                        var path = Path.Combine(blobRoot, key[..2], key);
                        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                        await File.WriteAllBytesAsync(path, bytes);
                        db.DocumentVersions.Add(document.AddVersion(Guid.NewGuid(), key, bytes.Length,
                            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), "text/plain", userIds[0], "Agent", true, now.AddDays(-d)));
                        versions++;
                    }
                }
            }
            await db.SaveChangesAsync();
        }
        Console.WriteLine($"{versions:N0} document versions in {clock.Elapsed.TotalSeconds:F0} s");

        string[] actions = [AuditActions.LoginSucceeded, AuditActions.LoginFailed, AuditActions.AccountSwitched, AuditActions.MembershipRoleChanged, AuditActions.LoggedOut];
        const int auditBatch = 20_000;
        for (var start = 0; start < auditEvents; start += auditBatch)
        {
            await using var db = BenchDatabase.Open(provider, connection);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var at = now.AddSeconds(-(auditEvents - start));
            for (var i = start; i < Math.Min(auditEvents, start + auditBatch); i++)
            {
                var u = random.Next(20, users);
                db.AuditEvents.Add(new AuditEvent(at.AddMilliseconds(i - start), actions[random.Next(actions.Length)], userIds[u], $"user{u:D6}@bench.example",
                    accountIds[(u * accounts / users) % accounts], "User", userIds[u].ToString(), null, "127.0.0.1", "bench"));
            }
            await db.SaveChangesAsync();
            if ((start / auditBatch) % 25 == 0)
            {
                Console.WriteLine($"  audit events: {start + auditBatch:N0} ({clock.Elapsed.TotalSeconds:F0} s)");
            }
        }
        await GenerateBilling(provider, connection, scale, clock);
        return await GenerateActivity(provider, connection, clock);
    }

    /// A year of sign-ins and tasks done (about 1,200,000 key events at scale 1), saved through the app's own save, so the
    /// daily figures and each person's last activity behind the insights page are kept as in use. Skipped when present.
    private static async Task<int> GenerateActivity(DatabaseProvider provider, string connection, Stopwatch clock)
    {
        var now = DateTime.UtcNow;
        Guid[] accountIds, userIds;
        await using (var db = BenchDatabase.Open(provider, connection))
        {
            if (await db.KeyEvents.AnyAsync())
            {
                Console.WriteLine("Key events already generated.");
                return 0;
            }
            accountIds = [.. await db.Accounts.OrderBy(a => a.Name).Select(a => a.Id).ToListAsync()];
            userIds = [.. await db.Users.Where(u => u.Email!.EndsWith("@bench.example")).OrderBy(u => u.Email).Select(u => u.Id).ToListAsync()];
        }
        var random = new Random(7);
        KeyEventKind[] tasks =
        [
            KeyEventKind.InvoiceViewed, KeyEventKind.DocumentDownloaded,
            KeyEventKind.OrderViewed, KeyEventKind.DocumentUploaded,
            KeyEventKind.ContactChanged, KeyEventKind.ArticleViewed,
        ];
        var events = 0;
        const int people = 1000;
        for (var start = 20; start < userIds.Length; start += people)
        {
            await using var db = BenchDatabase.Open(provider, connection);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(userIds.Length, start + people); i++)
            {
                // The membership layout of Generate: user i belongs to account i / 4. One in five never signs in.
                var account = accountIds[(int)((long)i * accountIds.Length / userIds.Length) % accountIds.Length];
                if (i % 5 == 0)
                {
                    continue;
                }
                for (var visit = random.Next(5, 25); visit > 0; visit--)
                {
                    var at = now.AddMinutes(-random.Next(1, 525_600));
                    var channel = random.Next(10) == 0 ? Channel.Api : Channel.Portal;
                    db.KeyEvents.Add(new KeyEvent(KeyEventKind.SignIn, account, userIds[i], channel, at));
                    events++;
                    for (var task = random.Next(0, 4); task > 0; task--)
                    {
                        db.KeyEvents.Add(new KeyEvent(tasks[random.Next(tasks.Length)], account, userIds[i], channel, at.AddMinutes(task * 2)));
                        events++;
                    }
                }
            }
            await db.SaveChangesAsync();
            if ((start / people) % 10 == 0)
            {
                Console.WriteLine($"  key events: {events:N0} ({clock.Elapsed.TotalSeconds:F0} s)");
            }
        }
        Console.WriteLine($"{events:N0} key events in {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    /// Invoices (20 an account at scale 1) and orders (10 an account), synced from two integrations,
    /// spread over all accounts like requests are. Skipped when invoices already exist.
    private static async Task<int> GenerateBilling(DatabaseProvider provider, string connection, double scale, Stopwatch clock)
    {
        var now = DateTime.UtcNow;
        var today = DateOnly.FromDateTime(now);
        Guid[] accountIds;
        Guid billingSystem, erp;
        await using (var db = BenchDatabase.Open(provider, connection))
        {
            if (await db.Invoices.AnyAsync())
            {
                Console.WriteLine("Invoices and orders already generated.");
                return 0;
            }
            // Generated account names start with their index, so name order is generation order.
            accountIds = [.. await db.Accounts.OrderBy(a => a.Name).Select(a => a.Id).ToListAsync()];
            var billing = new Portico.Features.Integrations.Integration("Billing system", 60, now.AddDays(-400));
            var orders = new Portico.Features.Integrations.Integration("ERP", 60, now.AddDays(-400));
            billing.Succeeded(0, now.AddMinutes(-5));
            orders.Succeeded(0, now.AddMinutes(-5));
            db.Integrations.AddRange(billing, orders);
            db.SystemsOfRecord.Add(new Portico.Features.Integrations.SystemOfRecord(Portico.Features.Integrations.SyncedObjectTypes.Invoices, billing.Id));
            db.SystemsOfRecord.Add(new Portico.Features.Integrations.SystemOfRecord(Portico.Features.Integrations.SyncedObjectTypes.Orders, orders.Id));
            await db.SaveChangesAsync();
            (billingSystem, erp) = (billing.Id, orders.Id);
        }
        var accounts = accountIds.Length;
        var random = new Random(7);
        // Most accounts bill in one currency; every tenth invoice is in another one.
        string[] currencies = ["EUR", "USD", "GBP", "CHF", "JPY", "SEK"];
        string[] products = ["Support plan", "Licence", "Consulting day", "Hosting", "Training seat", "Hardware"];
        const int batch = 5000;
        var invoiceCount = (int)(200_000 * scale);
        int paid = 0, open = 0, overdue = 0;
        for (var start = 0; start < invoiceCount; start += batch)
        {
            await using var db = BenchDatabase.Open(provider, connection);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(invoiceCount, start + batch); i++)
            {
                var accountIndex = i % accounts;
                var currency = i % 10 == 9 ? currencies[random.Next(currencies.Length)] : currencies[accountIndex % currencies.Length];
                var lines = new List<InvoiceLine>();
                for (var l = random.Next(1, 6); l > 0; l--)
                {
                    var quantity = random.Next(1, 10);
                    var price = currency == "JPY" ? random.Next(2_000, 200_000) : random.Next(20, 2_000) * 100L;
                    lines.Add(new InvoiceLine(products[random.Next(products.Length)], quantity, price, quantity * price));
                }
                var total = lines.Sum(l => l.AmountMinor);
                // Invoices go back two years, one every five weeks or so per account; the newest are open.
                var issued = today.AddDays(-(i / accounts) * 36 - random.Next(30));
                var due = issued.AddDays(30);
                var payments = new List<InvoicePayment>();
                InvoiceStatus status;
                if (random.Next(50) == 0)
                {
                    status = InvoiceStatus.Void;
                }
                else if (due < today.AddDays(-45) || random.Next(3) == 0)
                {
                    status = InvoiceStatus.Paid;
                    if (random.Next(5) == 0)
                    {
                        payments.Add(new InvoicePayment(issued.AddDays(10), total / 2, $"PAY-{i}-1"));
                        payments.Add(new InvoicePayment(issued.AddDays(25), total - total / 2, $"PAY-{i}-2"));
                    }
                    else
                    {
                        payments.Add(new InvoicePayment(issued.AddDays(random.Next(1, 40)), total, $"PAY-{i}"));
                    }
                    paid++;
                }
                else
                {
                    status = InvoiceStatus.Open;
                    if (random.Next(6) == 0)
                    {
                        payments.Add(new InvoicePayment(issued.AddDays(12), total / 3, $"PAY-{i}-1"));
                    }
                    if (due < today)
                    {
                        overdue++;
                    }
                    else
                    {
                        open++;
                    }
                }
                var invoice = new Invoice(billingSystem, $"INV-{i:D7}");
                invoice.Apply(accountIds[accountIndex], $"{issued.Year}-{i:D7}", currency, issued, due, status, total, lines, payments,
                    $"https://billing.bench.example/invoices/{i}.pdf", $"{i:x16}", now.AddMinutes(-random.Next(1, 600)));
                db.Invoices.Add(invoice);
            }
            await db.SaveChangesAsync();
        }
        Console.WriteLine($"{invoiceCount:N0} invoices ({paid:N0} paid, {open:N0} open, {overdue:N0} overdue) in {clock.Elapsed.TotalSeconds:F0} s");

        var orderCount = (int)(100_000 * scale);
        string[] stepNames = ["Kick-off", "Design", "Build", "Acceptance", "Go-live"];
        for (var start = 0; start < orderCount; start += batch)
        {
            await using var db = BenchDatabase.Open(provider, connection);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(orderCount, start + batch); i++)
            {
                var accountIndex = i % accounts;
                var project = i % 3 == 0;
                var begun = today.AddDays(-random.Next(1, 400));
                var steps = random.Next(2, 6);
                var done = random.Next(steps + 1);
                var milestones = Enumerable.Range(0, steps).Select(m => new Milestone(project ? stepNames[m] : (m == 0 ? "Confirmed" : m == steps - 1 ? "Delivered" : $"Shipment {m}"),
                    begun.AddDays(14 * (m + 1)), m < done ? begun.AddDays(14 * (m + 1) - random.Next(3)) : null)).ToList();
                var status = done == steps ? (random.Next(10) == 0 ? "Cancelled" : project ? "Completed" : "Delivered")
                    : done == 0 ? "Received" : Order.Statuses[1 + random.Next(4)];
                var updated = now.AddMinutes(-random.Next(1, 525_600));
                var tracking = !project && done > 0 ? new Tracking("DHL", $"JD{i:D12}", $"https://track.bench.example/{i}") : null;
                var order = new Order(erp, $"ORD-{i:D7}");
                order.Apply(accountIds[accountIndex], project ? $"PRJ-{i:D6}" : $"SO-{i:D6}", $"{Words[random.Next(Words.Length)]} {(project ? "rollout" : "delivery")} {i}",
                    project ? "Project" : "Order", status, milestones, tracking,
                    [new OrderEvent(begun.ToDateTime(TimeOnly.MinValue), "Received"), new OrderEvent(updated, $"Now {status}")], $"{i:x16}", updated);
                db.Orders.Add(order);
            }
            await db.SaveChangesAsync();
        }
        Console.WriteLine($"{orderCount:N0} orders in {clock.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine($"Generated scale {scale.ToString(CultureInfo.InvariantCulture)} in {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

        private static readonly string[] Words =
            ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware", "Wingtip", "Coho", "Alpine", "Blue", "Lucerne"];
}
