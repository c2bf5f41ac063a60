namespace Portico.Features.Insights;

/// Six months of made-up history for the demo: people signing in and serving themselves more each month, requests
/// answered and rated, and a few data-quality incidents, so the insights page shows trends on a first start. Saved in
/// one go, so the daily figures are kept the same way as in use; seeded from a fixed number, so every demo looks alike.
public static class InsightsDemo
{
    public const int Days = 182;

    public static async Task SeedAsync(PorticoDb db, IReadOnlyList<(Accounts.Account Account, List<PorticoUser> People)> accounts, PorticoUser agent,
        DateTime now, CancellationToken ct)
    {
        var random = new Random(2026);
        var types = await db.RequestTypes.OrderBy(t => t.Name).ToListAsync(ct);
        var integration = await db.Integrations.OrderBy(i => i.Name).FirstAsync(ct);
        var numbers = await db.Requests.AcrossAccounts().GroupBy(r => r.AccountId).Select(g => new { g.Key, Max = g.Max(r => r.Number) })
            .ToDictionaryAsync(x => x.Key, x => x.Max, ct);
        KeyEventKind[] tasks = [KeyEventKind.InvoiceViewed, KeyEventKind.DocumentDownloaded, KeyEventKind.OrderViewed, KeyEventKind.DocumentUploaded, KeyEventKind.ContactChanged];
        string[] subjects = ["Copy of an invoice", "Where is my order?", "Cannot sign in", "Change of delivery address", "Question about a payment", "Report does not load"];

        for (var daysAgo = Days; daysAgo >= 1; daysAgo--)
        {
            var day = now.Date.AddDays(-daysAgo);
            // 0 six months ago, 1 yesterday: use of the portal grows and requests to staff fall.
            var progress = 1 - (double)daysAgo / Days;
            // Customers begin to sign in after the first 13 weeks; until then staff log their emails and calls.
            var inPortal = daysAgo <= Days - Staff.DeflectionBaseline.Days - 7;
            foreach (var (account, people) in accounts)
            {
                if (people.Count == 0 || (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday && random.NextDouble() < 0.8))
                {
                    continue;
                }
                foreach (var person in people.Where(_ => inPortal && random.NextDouble() < 0.2 + 0.4 * progress))
                {
                    var at = day.AddHours(8 + random.Next(10)).AddMinutes(random.Next(60));
                    db.KeyEvents.Add(new KeyEvent(KeyEventKind.SignIn, account.Id, person.Id, Channel.Portal, at));
                    for (var i = random.Next(1, 4); i > 0; i--)
                    {
                        db.KeyEvents.Add(new KeyEvent(tasks[random.Next(tasks.Length)], account.Id, person.Id, Channel.Portal, at.AddMinutes(i * 3)));
                    }
                    if (random.NextDouble() < 0.05 + 0.15 * progress)
                    {
                        db.KeyEvents.Add(new KeyEvent(KeyEventKind.ArticleViewed, account.Id, person.Id, Channel.Portal, at.AddMinutes(10)));
                        db.KeyEvents.Add(new KeyEvent(KeyEventKind.RequestFormDeflected, account.Id, person.Id, Channel.Portal, at.AddMinutes(11)));
                    }
                }
                if (random.NextDouble() < 0.3 - 0.15 * progress)
                {
                    db.KeyEvents.Add(new KeyEvent(tasks[random.Next(3)], account.Id, agent.Id, Channel.StaffOnBehalf, day.AddHours(11)));
                }
                if (random.NextDouble() < (inPortal ? 0.45 - 0.2 * progress : 0.6))
                {
                    AddRequest(db, random, account.Id, people[random.Next(people.Count)], types[random.Next(types.Count)], agent,
                        numbers[account.Id] = numbers.GetValueOrDefault(account.Id) + 1, subjects[random.Next(subjects.Length)],
                        day.AddHours(8 + random.Next(9)).AddMinutes(random.Next(60)), now,
                        random.NextDouble() < 0.15 ? Channel.Phone : inPortal ? Channel.Portal : Channel.Email);
                }
            }
            if (random.NextDouble() < 0.06)
            {
                var incident = new DataQualityIncident(integration.Id, SyncedObjectTypes.Invoices, $"INV-H{daysAgo}", "The invoice names an account the portal does not know.",
                    day.AddHours(6), $"CRM-{9000 + daysAgo}");
                incident.Resolve(IncidentResolution.Dismissed, agent.Id, agent.DisplayName, "Test record from the billing system.", day.AddHours(6).AddMinutes(20 + random.Next(600)));
                db.DataQualityIncidents.Add(incident);
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private static void AddRequest(PorticoDb db, Random random, Guid accountId, PorticoUser submitter, RequestType type, PorticoUser agent, int number,
        string subject, DateTime at, DateTime now, Channel channel)
    {
        var request = new Request(accountId, number, type, subject, RequestPriority.Normal, submitter.Id, submitter.DisplayName, false, [], at, channel);
        request.AssignTo(agent.Id, agent.DisplayName, at);
        db.Requests.Add(request);
        db.RequestEvents.Add(new RequestEvent(request, at, submitter.DisplayName, "Submitted"));
        // Mostly within the 8-hour target, now and then late.
        var responded = at.AddMinutes(random.NextDouble() < 0.85 ? 10 + random.Next(400) : 500 + random.Next(1500));
        if (responded > now)
        {
            return;
        }
        db.RequestMessages.Add(new RequestMessage(request, agent.Id, agent.DisplayName, true, false, "Thank you, we are on it.", responded));
        request.RecordStaffResponse(responded);
        var resolved = responded.AddHours(1 + random.Next(100));
        if (resolved > now)
        {
            return;
        }
        request.MoveTo(RequestStatus.Resolved, resolved);
        db.RequestEvents.Add(new RequestEvent(request, resolved, agent.DisplayName, "Resolved"));
        if (random.NextDouble() < 0.6 && resolved.AddHours(5) < now)
        {
            db.RequestRatings.Add(new RequestRating(request, submitter.Id, Math.Clamp(3 + random.Next(-1, 3) + (random.NextDouble() < 0.1 ? -2 : 0), 1, 5), null, resolved.AddHours(5)));
        }
    }
}
