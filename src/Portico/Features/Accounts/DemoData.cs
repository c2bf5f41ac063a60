namespace Portico.Features.Accounts;

/// Demo accounts and people for a first look; only seeded when Portico:SeedDemoData is on.
public sealed class DemoData(PorticoDb db, UserManager<PorticoUser> users, Infrastructure.Storage.IBlobStorage storage, TimeProvider clock, ILogger<DemoData> logger)
{
    public const string Password = "Portico-demo-2026";

    public static readonly IReadOnlyList<(string Email, string Name, string What)> Logins =
    [
        ("admin@portico.example", "Ada Admin", "staff Admin"),
        ("agent@portico.example", "Sam Agent", "staff Agent"),
        ("finance@portico.example", "Fin Ance", "staff Finance"),
        ("olivia@northwind.example", "Olivia Owner", "Owner of Northwind Traders"),
        ("bill@northwind.example", "Bill Payer", "Billing at Northwind Traders"),
        ("vera@northwind.example", "Vera Viewer", "Viewer at Northwind Traders"),
        ("rita@contoso.example", "Rita Requester", "Requester at Contoso"),
        ("casey@consulting.example", "Casey Consultant", "Requester at Northwind Traders and Owner of Contoso (two accounts)"),
        ("audrey@audit.example", "Audrey Auditor", "Auditor at Fabrikam until 30 days from seeding"),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (await db.Accounts.AcrossAccounts().AnyAsync(cancellationToken))
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var roles = await db.Roles.ToDictionaryAsync(r => r.Name, r => r.Id, cancellationToken);
        // In the portal since before the demo's history, so deflection has each account's months before its first sign-in.
        var since = now.AddDays(-Insights.InsightsDemo.Days - 1);
        var northwind = new Account("Northwind Traders", since, "CRM-1001");
        var contoso = new Account("Contoso Ltd", since, "CRM-1002");
        var fabrikam = new Account("Fabrikam Inc", since, "CRM-1003");
        northwind.MarkKey(true);
        db.Accounts.AddRange(northwind, contoso, fabrikam);

        var people = new Dictionary<string, PorticoUser>();
        foreach (var (email, name, _) in Logins)
        {
            var user = new PorticoUser
            {
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                DisplayName = name,
                CreatedAt = now,
                StaffRole = email.Split('@')[0] switch
                {
                    "admin" when email.EndsWith("@portico.example", StringComparison.Ordinal) => StaffRole.Admin,
                    "agent" when email.EndsWith("@portico.example", StringComparison.Ordinal) => StaffRole.Agent,
                    "finance" when email.EndsWith("@portico.example", StringComparison.Ordinal) => StaffRole.Finance,
                    _ => null,
                },
            };
            var result = await users.CreateAsync(user, Password);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("Demo user could not be created: " + string.Join("; ", result.Errors.Select(e => e.Description)));
            }
            people[email] = user;
        }

        void Member(Account account, string email, string role, DateTime? expires = null) =>
            db.Memberships.Add(new Membership(account.Id, people[email].Id, roles[role], now, expires));

        Member(northwind, "olivia@northwind.example", BuiltInRoles.Owner);
        Member(northwind, "bill@northwind.example", BuiltInRoles.Billing);
        Member(northwind, "vera@northwind.example", BuiltInRoles.Viewer);
        Member(northwind, "casey@consulting.example", BuiltInRoles.Requester);
        Member(contoso, "casey@consulting.example", BuiltInRoles.Owner);
        Member(contoso, "rita@contoso.example", BuiltInRoles.Requester);
        Member(fabrikam, "audrey@audit.example", BuiltInRoles.Auditor, now.AddDays(30));
        await db.SaveChangesAsync(cancellationToken);
        await SeedRequestsAsync(people, northwind, contoso, now, cancellationToken);
        await SeedDocumentsAsync(people, [northwind, contoso, fabrikam], now, cancellationToken);
        await SeedSystemsOfRecordAsync([northwind, contoso, fabrikam], now, cancellationToken);
        await Help.HelpDemo.SeedAsync(db, now, cancellationToken);
        List<PorticoUser> Of(params string[] emails) => [.. emails.Select(e => people[e])];
        await Insights.InsightsDemo.SeedAsync(db, [
            (northwind, Of("olivia@northwind.example", "bill@northwind.example", "vera@northwind.example", "casey@consulting.example")),
            (contoso, Of("casey@consulting.example", "rita@contoso.example")), (fabrikam, Of("audrey@audit.example"))],
            people["agent@portico.example"], now, cancellationToken);
        logger.LogInformation("Demo data seeded: {Accounts} accounts, {Users} people", 3, people.Count);
    }

    private async Task SeedRequestsAsync(Dictionary<string, PorticoUser> people, Account northwind, Account contoso, DateTime now, CancellationToken cancellationToken)
    {
        var agent = people["agent@portico.example"];
        var support = new RequestType("Technical support", "Something does not work as expected.", now);
        support.Update(support.Name, support.Description, true,
        [
            new RequestField("product", "Product", FieldKind.Choice, true, ["Customer portal", "API", "Mobile app"]),
            new RequestField("steps", "What happened, step by step", FieldKind.LongText, true, []),
            new RequestField("environment", "Browser or device", FieldKind.Text, false, []),
            new RequestField("screenshot", "Screenshot", FieldKind.File, false, []),
        ], [], agent.Id, RequestType.DefaultSla(), now);
        var billing = new RequestType("Billing question", "Questions about an invoice or a payment.", now);
        billing.Update(billing.Name, billing.Description, true,
        [
            new RequestField("invoice-number", "Invoice number", FieldKind.Text, true, []),
            new RequestField("amount", "Amount in question", FieldKind.Number, false, []),
        ], [], null, RequestType.DefaultSla(), now);
        billing.CountAsRepetitive(true);
        var change = new RequestType("Change request", "Ask for a change to the work we do for you.", now);
        change.Update(change.Name, change.Description, true,
        [
            new RequestField("wanted-by", "Wanted by", FieldKind.Date, true, []),
            new RequestField("areas", "Areas", FieldKind.MultiChoice, true, ["Design", "Content", "Integration"]),
            new RequestField("details", "Details", FieldKind.LongText, true, []),
        ], [BuiltInRoles.Owner], null, RequestType.DefaultSla(), now);
        db.RequestTypes.AddRange(support, billing, change);

        var casey = people["casey@consulting.example"];
        var olivia = people["olivia@northwind.example"];
        var rita = people["rita@contoso.example"];
        var login = new Request(northwind.Id, 1, support, "Cannot download the March report", RequestPriority.High, casey.Id, casey.DisplayName, true,
            new() { ["product"] = "Customer portal", ["steps"] = "1. Open Reports\n2. Click March\n3. The download never starts" }, now.AddHours(-30));
        login.AssignTo(agent.Id, agent.DisplayName, now.AddHours(-30));
        db.Requests.Add(login);
        db.RequestEvents.Add(new RequestEvent(login, now.AddHours(-30), casey.DisplayName, "Submitted"));
        var reply = new RequestMessage(login, agent.Id, agent.DisplayName, true, false, "Thanks Casey. Which browser do you use? A screenshot of the Reports page would help.", now.AddHours(-27));
        db.RequestMessages.Add(reply);
        login.RecordStaffResponse(now.AddHours(-27));
        login.MoveTo(RequestStatus.WaitingOnCustomer, now.AddHours(-27));
        db.RequestEvents.Add(new RequestEvent(login, now.AddHours(-27), agent.DisplayName, "New → Waiting on customer"));
        db.RequestMessages.Add(new RequestMessage(login, agent.Id, agent.DisplayName, true, true, "Probably the PDF export timeout again; see last week's incident.", now.AddHours(-27)));

        var invoice = new Request(northwind.Id, 2, billing, "Invoice INV-2041 charged twice", RequestPriority.Normal, olivia.Id, olivia.DisplayName, false,
            new() { ["invoice-number"] = "INV-2041", ["amount"] = "1250.00" }, now.AddDays(-3));
        db.Requests.Add(invoice);
        db.RequestEvents.Add(new RequestEvent(invoice, now.AddDays(-3), olivia.DisplayName, "Submitted"));
        db.RequestMessages.Add(new RequestMessage(invoice, agent.Id, agent.DisplayName, true, false, "You are right, the second charge is refunded today.", now.AddDays(-2)));
        invoice.RecordStaffResponse(now.AddDays(-2));
        invoice.MoveTo(RequestStatus.Resolved, now.AddDays(-2));
        db.RequestEvents.Add(new RequestEvent(invoice, now.AddDays(-2), agent.DisplayName, "New → Resolved"));

        var api = new Request(contoso.Id, 1, support, "API returns 429 during nightly sync", RequestPriority.Urgent, rita.Id, rita.DisplayName, false,
            new() { ["product"] = "API", ["steps"] = "Our nightly sync gets HTTP 429 after about 500 calls." }, now.AddHours(-2));
        db.Requests.Add(api);
        db.RequestEvents.Add(new RequestEvent(api, now.AddHours(-2), rita.DisplayName, "Submitted"));
        foreach (var r in new[] { login, invoice, api })
        {
            db.ActivityEntries.Add(new Activity.ActivityEntry(r.AccountId, r.CreatedAt, r.SubmitterName, $"submitted request #{r.Number} \"{r.Subject}\"",
                RequestNotifier.CustomerPath(r), r.Id));
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task SeedDocumentsAsync(Dictionary<string, PorticoUser> people, Account[] accounts, DateTime now, CancellationToken cancellationToken)
    {
        var admin = people["admin@portico.example"];
        foreach (var account in accounts)
        {
            var general = new Documents.DocumentFolder(account.Id, "General", false, [], [], now);
            var billing = new Documents.DocumentFolder(account.Id, "Billing", false, [BuiltInRoles.Owner, BuiltInRoles.Billing, BuiltInRoles.Auditor], [BuiltInRoles.Owner, BuiltInRoles.Billing], now);
            var contracts = new Documents.DocumentFolder(account.Id, "Contracts", false, [BuiltInRoles.Owner, BuiltInRoles.Auditor], [BuiltInRoles.Owner], now);
            var notes = new Documents.DocumentFolder(account.Id, "Staff notes", true, [], [], now);
            db.DocumentFolders.AddRange(general, billing, contracts, notes);

            var text = System.Text.Encoding.UTF8.GetBytes($"Welcome to the {account.Name} portal.\nThis guide explains how requests and documents work.\n");
            using var content = new MemoryStream(text);
            var blob = await storage.WriteAsync(content, text.Length, cancellationToken);
            var guide = new Documents.Document(account.Id, general.Id, "Getting started.txt", now);
            db.Documents.Add(guide);
            db.DocumentVersions.Add(guide.AddVersion(Guid.NewGuid(), blob.Key, blob.Size, blob.Sha256, "text/plain", admin.Id, admin.DisplayName, true, now));
            guide.RequireAcknowledgement([BuiltInRoles.Owner], now);
            db.DocumentRequests.Add(new Documents.DocumentRequest(account.Id, contracts.Id, "Signed service agreement 2027", "Please upload the signed PDF.",
                DateOnly.FromDateTime(now.AddDays(7)), admin.DisplayName, now));
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task SeedSystemsOfRecordAsync(Account[] accounts, DateTime now, CancellationToken cancellationToken)
    {
        var billing = new Integrations.Integration("Billing system", 60, now);
        var erp = new Integrations.Integration("ERP", 30, now);
        billing.Succeeded(accounts.Length * 3, now.AddMinutes(-12));
        // The ERP is late on purpose, so the stale warning can be seen on the orders page.
        erp.Succeeded(accounts.Length * 2, now.AddHours(-3));
        db.Integrations.AddRange(billing, erp);
        db.SystemsOfRecord.AddRange(new Integrations.SystemOfRecord(Integrations.SyncedObjectTypes.Invoices, billing.Id),
            new Integrations.SystemOfRecord(Integrations.SyncedObjectTypes.Accounts, billing.Id),
            new Integrations.SystemOfRecord(Integrations.SyncedObjectTypes.Orders, erp.Id));
        var today = DateOnly.FromDateTime(now);
        var n = 1000;
        foreach (var account in accounts)
        {
            foreach (var (status, issuedDaysAgo, total, paid) in new[] { (Billing.InvoiceStatus.Paid, 75, 240_000L, 240_000L), (Billing.InvoiceStatus.Open, 45, 125_000L, 25_000L), (Billing.InvoiceStatus.Open, 5, 98_050L, 0L) })
            {
                var invoice = new Billing.Invoice(billing.Id, $"INV-{++n}");
                invoice.Apply(account.Id, $"INV-{n}", "EUR", today.AddDays(-issuedDaysAgo), today.AddDays(-issuedDaysAgo + 30), status, total,
                    [new Billing.InvoiceLine("Support plan", 1, total * 4 / 5, total * 4 / 5), new Billing.InvoiceLine("Consulting hours", 2, total / 10, total / 5)],
                    paid > 0 ? [new Billing.InvoicePayment(today.AddDays(-issuedDaysAgo + 20), paid, "Bank transfer")] : [],
                    null, "demo", now.AddMinutes(-12));
                db.Invoices.Add(invoice);
            }
            var order = new Orders.Order(erp.Id, $"SO-{++n}");
            order.Apply(account.Id, $"SO-{n}", "Replacement hardware", "Order", "Shipped",
                [new Orders.Milestone("Ordered", today.AddDays(-10), today.AddDays(-10)), new Orders.Milestone("Shipped", today.AddDays(-2), today.AddDays(-2)), new Orders.Milestone("Delivered", today.AddDays(2), null)],
                new Orders.Tracking("DHL", "00340434161094042557", "https://www.dhl.com/"), [new Orders.OrderEvent(now.AddDays(-10), "Order received"), new Orders.OrderEvent(now.AddDays(-2), "Handed to DHL")],
                "demo", now.AddHours(-3));
            var project = new Orders.Order(erp.Id, $"PRJ-{++n}");
            project.Apply(account.Id, $"PRJ-{n}", "Portal roll-out", "Project", "InProgress",
                [new Orders.Milestone("Kick-off", today.AddDays(-20), today.AddDays(-19)), new Orders.Milestone("Pilot", today.AddDays(10), null), new Orders.Milestone("Go-live", today.AddDays(40), null)],
                null, [new Orders.OrderEvent(now.AddDays(-19), "Kick-off held")], "demo", now.AddHours(-3));
            db.Orders.AddRange(order, project);
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
