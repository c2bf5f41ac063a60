namespace Portico.Tests.Integrations;

/// Staff Admins resolve records refused for an unknown account: map the account, create it, or dismiss with a reason.
/// Which integration owns an object type is global, so this class is in the app collection with the other sync tests.
public sealed class IncidentResolutionTests(PorticoApp app) : AppTests
{
    private const string Invoices = SyncedObjectTypes.Invoices;
    private const string Orders = SyncedObjectTypes.Orders;
    private const string Page = "/staff/integrations";

    [Fact]
    public async Task Mapping_an_unknown_account_applies_every_held_record_keeps_the_time_to_resolve_and_a_replay_changes_nothing()
    {
        var (integration, client) = await app.OwnerAsync(Invoices, Orders);
        using var _ = client;
        var unknown = "CRM-UNKNOWN-" + PorticoApp.Unique();
        var invoice = InvoiceJson(NewExternalId("INV"), unknown, total: 250m);
        var order = OrderJson(NewExternalId("ORD"), unknown, title: "Fit-out");
        AssertCounts(await OkAsync(await client.PutBatchAsync(Invoices, invoice)), created: 0, updated: 0, unchanged: 0, failed: 1);
        AssertCounts(await OkAsync(await client.PutBatchAsync(Orders, order)), created: 0, updated: 0, unchanged: 0, failed: 1);
        var held = await IncidentAsync(integration.Id, (string)invoice["externalId"]!);
        Assert.Equal(unknown, held.ExternalAccountId);
        Assert.Equal((string)invoice["number"]!, JsonNode.Parse(held.HeldRecord!)!["number"]!.GetValue<string>());
        var account = await app.CreateAccountAsync("Unmapped " + PorticoApp.Unique());
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var browser = await app.SignInAsync(admin);
        var page = await browser.GetPageAsync(Page);
        var row = Assert.Single(page.QuerySelectorAll("[data-testid=incident]"), r => r.TextContent.Contains(held.ExternalId, StringComparison.Ordinal));
        Assert.EndsWith("min", row.QuerySelector("[data-testid=incident-age]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector($"#map-account option[value='{account.Id}']"));

        var mapped = await PostAsync(browser, page, "Map", [held.Id], ("accountId", account.Id.ToString()));

        Assert.Equal(HttpStatusCode.Redirect, mapped.StatusCode);
        Assert.Equal(unknown, await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.ExternalId).SingleAsync()));
        var landed = Assert.Single(await app.InvoicesOfAsync(integration.Id));
        Assert.Equal((account.Id, (string)invoice["number"]!, 25000L), (landed.AccountId, landed.Number, landed.TotalMinor));
        var landedOrder = await app.WithDbAsync((db, _) => db.Orders.IgnoreQueryFilters().AsNoTracking().SingleAsync(o => o.IntegrationId == integration.Id));
        Assert.Equal((account.Id, "Fit-out"), (landedOrder.AccountId, landedOrder.Title));
        // Both incidents of that external account closed, the order's too, though only the invoice's was selected.
        var resolved = await IncidentsAsync(integration.Id);
        Assert.All(resolved, i =>
        {
            Assert.Equal((IncidentResolution?)IncidentResolution.Mapped, i.Resolution);
            Assert.Equal(admin.Id, i.ResolvedById);
            Assert.True(i.TimeToResolve >= TimeSpan.Zero);
        });
        Assert.Equal(2, resolved.Count);
        var audited = await app.WithDbAsync((db, _) => db.AuditEvents.AsNoTracking()
            .Where(e => e.Action == AuditActions.IncidentResolved || (e.Action == AuditActions.IntegrationAccountMapped && e.TargetId == account.Id.ToString()))
            .Select(e => new { e.Action, e.TargetId, e.ActorUserId }).ToListAsync());
        Assert.Contains(audited, e => e.Action == AuditActions.IntegrationAccountMapped && e.ActorUserId == admin.Id);
        Assert.All(resolved, i => Assert.Contains(audited, e => e.Action == AuditActions.IncidentResolved && e.TargetId == i.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // The page lists them as resolved, with how and how long it took.
        var after = await browser.GetPageAsync(Page);
        Assert.DoesNotContain(after.QuerySelectorAll("[data-testid=incident]"), r => r.TextContent.Contains(held.ExternalId, StringComparison.Ordinal));
        var done = Assert.Single(after.QuerySelectorAll("[data-testid=resolved-incident]"), r => r.TextContent.Contains(held.ExternalId, StringComparison.Ordinal));
        Assert.Contains("Mapped", done.TextContent, StringComparison.Ordinal);
        Assert.EndsWith("min", done.QuerySelector("[data-testid=time-to-resolve]")!.TextContent.Trim(), StringComparison.Ordinal);

        // The source sends the original batch again: nothing changes, the incidents stay resolved as they were.
        AssertCounts(await OkAsync(await client.PutBatchAsync(Invoices, invoice)), created: 0, updated: 0, unchanged: 1, failed: 0);
        AssertCounts(await OkAsync(await client.PutBatchAsync(Orders, order)), created: 0, updated: 0, unchanged: 1, failed: 0);
        var replayed = Assert.Single(await app.InvoicesOfAsync(integration.Id));
        Assert.Equal((landed.Id, landed.AccountId, landed.ContentHash, landed.UpdatedAt), (replayed.Id, replayed.AccountId, replayed.ContentHash, replayed.UpdatedAt));
        Assert.Equal(resolved.Select(i => (i.Id, i.ResolvedAt, i.Resolution)), (await IncidentsAsync(integration.Id)).Select(i => (i.Id, i.ResolvedAt, i.Resolution)));

        // Applying again is refused: the incident is resolved.
        var again = await PostAsync(browser, after, "Map", [held.Id], ("accountId", account.Id.ToString()));
        Assert.Contains("already resolved", await ErrorAsync(again), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_the_account_from_the_record_applies_it_there_and_needs_a_name()
    {
        var (integration, client, _, incident) = await RefusedInvoiceAsync();
        using var _ = client;
        var unknown = incident.ExternalAccountId!;
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var browser = await app.SignInAsync(admin);
        var page = await browser.GetPageAsync(Page);

        var nameless = await PostAsync(browser, page, "CreateAccount", [incident.Id], ("accountName", "  "));

        Assert.Contains("Give the new account a name", await ErrorAsync(nameless), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync((db, _) => db.Accounts.AnyAsync(a => a.ExternalId == unknown)));
        Assert.Null((await IncidentAsync(integration.Id, incident.ExternalId)).ResolvedAt);

        var name = "Created from record " + PorticoApp.Unique();
        var created = await PostAsync(browser, page, "CreateAccount", [incident.Id], ("accountName", name));

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var account = await app.WithDbAsync((db, _) => db.Accounts.AsNoTracking().SingleAsync(a => a.ExternalId == unknown));
        Assert.Equal(name, account.Name);
        Assert.Equal(account.Id, Assert.Single(await app.InvoicesOfAsync(integration.Id)).AccountId);
        var closed = await IncidentAsync(integration.Id, incident.ExternalId);
        Assert.Equal((IncidentResolution?)IncidentResolution.Created, closed.Resolution);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.AccountCreated && e.TargetId == account.Id.ToString())));

        // Meanwhile the accounts' system of record synced that external account: no second account is created for it.
        var second = InvoiceJson(NewExternalId("INV"), "CRM-OTHER-" + PorticoApp.Unique());
        await OkAsync(await client.PutBatchAsync(Invoices, second));
        var other = await IncidentAsync(integration.Id, (string)second["externalId"]!);
        await app.WithDbAsync(async db =>
        {
            db.Accounts.Add(new Account("Synced " + PorticoApp.Unique(), DateTime.UtcNow, other.ExternalAccountId));
            await db.SaveChangesAsync();
        });
        var duplicate = await PostAsync(browser, page, "CreateAccount", [other.Id], ("accountName", "Twin " + PorticoApp.Unique()));
        Assert.Contains("already has the external id", await ErrorAsync(duplicate), StringComparison.Ordinal);
        Assert.Null((await IncidentAsync(integration.Id, other.ExternalId)).ResolvedAt);
    }

    [Fact]
    public async Task Dismissing_needs_a_reason_closes_without_applying_and_a_record_sent_again_reopens_it()
    {
        var (integration, client, invoice, incident) = await RefusedInvoiceAsync();
        using var _ = client;
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var browser = await app.SignInAsync(admin);
        var page = await browser.GetPageAsync(Page);

        Assert.Contains("Say why", await ErrorAsync(await PostAsync(browser, page, "Dismiss", [incident.Id], ("reason", " "))), StringComparison.Ordinal);
        Assert.Contains("at most 500", await ErrorAsync(await PostAsync(browser, page, "Dismiss", [incident.Id], ("reason", new string('x', 501)))), StringComparison.Ordinal);
        Assert.Null((await IncidentAsync(integration.Id, incident.ExternalId)).ResolvedAt);

        var dismissed = await PostAsync(browser, page, "Dismiss", [incident.Id], ("reason", "Test account in the billing system"));

        Assert.Equal(HttpStatusCode.Redirect, dismissed.StatusCode);
        var closed = await IncidentAsync(integration.Id, incident.ExternalId);
        Assert.Equal((IncidentResolution?)IncidentResolution.Dismissed, closed.Resolution);
        Assert.Equal(("Test account in the billing system", admin.Id), (closed.Reason, closed.ResolvedById));
        Assert.Empty(await app.InvoicesOfAsync(integration.Id));
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.IncidentDismissed
            && e.TargetId == incident.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) && e.ActorUserId == admin.Id)));
        var listed = Assert.Single((await browser.GetPageAsync(Page)).QuerySelectorAll("[data-testid=resolved-incident]"),
            r => r.TextContent.Contains(incident.ExternalId, StringComparison.Ordinal));
        Assert.Contains("Dismissed: Test account in the billing system", listed.TextContent, StringComparison.Ordinal);

        // Sent again, still unknown: it opens again and holds the newer record.
        invoice["total"] = 120m;
        invoice["lines"] = new JsonArray(new JsonObject { ["description"] = "Support plan", ["quantity"] = 1, ["unitPrice"] = 120m, ["amount"] = 120m });
        await OkAsync(await client.PutBatchAsync(Invoices, invoice));
        var reopened = await IncidentAsync(integration.Id, incident.ExternalId);
        Assert.Equal(((DateTime?)null, (IncidentResolution?)null, (string?)null, 2), (reopened.ResolvedAt, reopened.Resolution, reopened.Reason, reopened.Occurrences));
        Assert.Equal(120m, JsonNode.Parse(reopened.HeldRecord!)!["total"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Several_selected_incidents_are_mapped_or_dismissed_together()
    {
        var (integration, client) = await app.OwnerAsync(Invoices);
        using var _ = client;
        var (x, y, z) = ("CRM-X-" + PorticoApp.Unique(), "CRM-Y-" + PorticoApp.Unique(), "CRM-Z-" + PorticoApp.Unique());
        JsonObject[] records = [InvoiceJson(NewExternalId("A"), x), InvoiceJson(NewExternalId("A"), x), InvoiceJson(NewExternalId("B"), y), InvoiceJson(NewExternalId("C"), z)];
        await OkAsync(await client.PutBatchAsync(Invoices, records));
        var ids = new List<long>();
        foreach (var r in records)
        {
            ids.Add((await IncidentAsync(integration.Id, (string)r["externalId"]!)).Id);
        }
        var account = await app.CreateAccountAsync();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var browser = await app.SignInAsync(admin);
        var page = await browser.GetPageAsync(Page);

        Assert.Contains("Select at least one incident", await ErrorAsync(await PostAsync(browser, page, "Dismiss", [], ("reason", "Noise"))), StringComparison.Ordinal);
        Assert.Contains("Select at least one incident", await ErrorAsync(await PostAsync(browser, page, "Map", [], ("accountId", account.Id.ToString()))), StringComparison.Ordinal);
        var mixed = await PostAsync(browser, page, "Map", [ids[0], ids[2]], ("accountId", account.Id.ToString()));
        Assert.Contains("different external accounts", await ErrorAsync(mixed), StringComparison.Ordinal);
        Assert.All(await IncidentsAsync(integration.Id), i => Assert.Null(i.ResolvedAt));

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(browser, page, "Map", [ids[0], ids[1]], ("accountId", account.Id.ToString()))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(browser, page, "Dismiss", [ids[2], ids[3]], ("reason", "Closed accounts"))).StatusCode);

        var incidents = (await IncidentsAsync(integration.Id)).ToDictionary(i => i.Id);
        Assert.Equal([IncidentResolution.Mapped, IncidentResolution.Mapped, IncidentResolution.Dismissed, IncidentResolution.Dismissed],
            ids.Select(id => incidents[id].Resolution!.Value));
        Assert.Equal(2, (await app.InvoicesOfAsync(integration.Id)).Count(i => i.AccountId == account.Id));
        Assert.Equal(2, (await app.InvoicesOfAsync(integration.Id)).Count);
    }

    [Fact]
    public async Task Mapping_to_an_account_another_external_id_owns_or_to_no_account_is_refused_and_changes_nothing()
    {
        var (integration, client, _, incident) = await RefusedInvoiceAsync();
        using var _ = client;
        var unknown = incident.ExternalAccountId!;
        var owned = await app.CreateMappedAccountAsync();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var browser = await app.SignInAsync(admin);
        var page = await browser.GetPageAsync(Page);

        var toOwned = await PostAsync(browser, page, "Map", [incident.Id], ("accountId", owned.Id.ToString()));
        Assert.Contains($"already known to a system of record as \"{owned.ExternalId}\"", await ErrorAsync(toOwned), StringComparison.Ordinal);
        Assert.Contains("Choose an existing account", await ErrorAsync(await PostAsync(browser, page, "Map", [incident.Id], ("accountId", Guid.NewGuid().ToString()))),
            StringComparison.Ordinal);
        Assert.Contains("Choose an existing account", await ErrorAsync(await PostAsync(browser, page, "Map", [incident.Id], ("accountId", ""))), StringComparison.Ordinal);
        // Meanwhile another account took the external id: mapping a second one to it is refused.
        var holder = await app.WithDbAsync(async (db, _) =>
        {
            var a = new Account("Holder " + PorticoApp.Unique(), DateTime.UtcNow, unknown);
            db.Accounts.Add(a);
            await db.SaveChangesAsync();
            return a;
        });
        var free = await app.CreateAccountAsync();
        var taken = await PostAsync(browser, page, "Map", [incident.Id], ("accountId", free.Id.ToString()));
        Assert.Contains($"{holder.Name} already has the external id", await ErrorAsync(taken), StringComparison.Ordinal);

        Assert.Equal(owned.ExternalId, await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == owned.Id).Select(a => a.ExternalId).SingleAsync()));
        Assert.Null(await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == free.Id).Select(a => a.ExternalId).SingleAsync()));
        Assert.Empty(await app.InvoicesOfAsync(integration.Id));
        Assert.Null((await IncidentAsync(integration.Id, incident.ExternalId)).ResolvedAt);
        Assert.False(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.IncidentResolved
            && e.TargetId == incident.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Theory]
    [InlineData(StaffRole.Agent)]
    [InlineData(StaffRole.Finance)]
    [InlineData(null)]
    public async Task Only_staff_admins_may_resolve_incidents(StaffRole? role)
    {
        var (integration, client, _, incident) = await RefusedInvoiceAsync();
        using var _ = client;
        var account = await app.CreateAccountAsync();
        var person = role is { } staff ? await app.CreateUserAsync(staffRole: staff) : (await app.CreateCustomerAsync(BuiltInRoles.Owner)).User;
        using var browser = await app.SignInAsync(person);
        // A page of their own for the antiforgery token; the staff page itself is not theirs to open.
        var page = await browser.GetPageAsync("/account/profile");

        foreach (var (handler, field, value) in new[] { ("Map", "accountId", account.Id.ToString()), ("CreateAccount", "accountName", "Mine"), ("Dismiss", "reason", "Mine") })
        {
            var response = await PostAsync(browser, page, handler, [incident.Id], (field, value));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        Assert.Null((await IncidentAsync(integration.Id, incident.ExternalId)).ResolvedAt);
        Assert.Null(await app.WithDbAsync((db, _) => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.ExternalId).SingleAsync()));
        Assert.Empty(await app.InvoicesOfAsync(integration.Id));
    }

    /// An integration that owns invoices sent one for an account the portal does not know: the incident it raised.
    private async Task<(Integration Integration, HttpClient Client, JsonObject Invoice, DataQualityIncident Incident)> RefusedInvoiceAsync()
    {
        var (integration, client) = await app.OwnerAsync(Invoices);
        var invoice = InvoiceJson(NewExternalId("INV"), "CRM-UNKNOWN-" + PorticoApp.Unique());
        AssertCounts(await OkAsync(await client.PutBatchAsync(Invoices, invoice)), created: 0, updated: 0, unchanged: 0, failed: 1);
        return (integration, client, invoice, await IncidentAsync(integration.Id, (string)invoice["externalId"]!));
    }

    private Task<DataQualityIncident> IncidentAsync(Guid integrationId, string externalId) =>
        app.WithDbAsync((db, _) => db.DataQualityIncidents.AsNoTracking().SingleAsync(i => i.IntegrationId == integrationId && i.ExternalId == externalId));

    private async Task<List<DataQualityIncident>> IncidentsAsync(Guid integrationId) =>
        (await app.WithDbAsync((db, _) => db.DataQualityIncidents.AsNoTracking().Where(i => i.IntegrationId == integrationId).ToListAsync())).OrderBy(i => i.Id).ToList();

    /// Posts the incidents form with the selected incidents' boxes ticked, as the browser sends it.
    private static Task<HttpResponseMessage> PostAsync(PorticoClient browser, IHtmlDocument tokenSource, string handler, long[] selected, (string Name, string Value) field)
    {
        var values = selected.Select(id => new KeyValuePair<string, string>("incidentIds", id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        values.Add(new(field.Name, field.Value));
        values.Add(new("__RequestVerificationToken", PorticoClient.Token(tokenSource)));
        return browser.Http.PostAsync(new Uri($"{Page}?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(values));
    }

    /// The refusal shown on the page, after checking it came back unprocessable.
    private static async Task<string> ErrorAsync(HttpResponseMessage response)
    {
        var page = await PorticoClient.ParseAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"Expected 422, got {(int)response.StatusCode}");
        return page.QuerySelector("[data-testid=action-error]")?.TextContent.Trim() ?? "";
    }
}
