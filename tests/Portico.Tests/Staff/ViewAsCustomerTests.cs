using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Portico.Tests.SingleSignOn;

namespace Portico.Tests.Staff;

/// The portal's clock is moved for the view's thirty minutes.
public sealed class ViewAsCustomerTests(ClockApp app) : IClassFixture<ClockApp>
{
    private const string Reason = "Customer reports the dashboard is empty";

    private sealed record Viewing(PorticoClient Staff, PorticoUser StaffUser, Account Account, PorticoUser Member, HttpResponseMessage Started);

    /// Signs the staff member in and starts a view of the account as the member through the staff account page's form.
    private static async Task<HttpResponseMessage> StartAsync(PorticoClient staff, Account account, Guid? memberId, string? reason)
    {
        var page = await staff.GetPageAsync($"/staff/accounts/{account.Id}");
        var form = page.QuerySelector("[data-testid=view-as-customer] form")
            ?? throw new InvalidOperationException("The staff account page has no form to view the portal as a customer.");
        var fields = new Dictionary<string, string>();
        if (memberId is { } id)
        {
            fields["memberId"] = id.ToString();
        }
        if (reason is not null)
        {
            fields["reason"] = reason;
        }
        return await staff.PostFormAsync(form.GetAttribute("action")!, page, fields);
    }

    private async Task<Viewing> ViewAsync(string role = BuiltInRoles.Owner, StaffRole staffRole = StaffRole.Admin, Account? account = null)
    {
        account ??= await app.CreateAccountAsync();
        var member = await app.CreateUserAsync();
        await app.AddMemberAsync(account, member, role);
        var staffUser = await app.CreateUserAsync(staffRole: staffRole);
        var staff = await app.SignInAsync(staffUser);
        var started = await StartAsync(staff, account, member.Id, Reason);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        Assert.Equal($"/a/{account.Id}", started.Headers.Location?.OriginalString);
        return new Viewing(staff, staffUser, account, member, started);
    }

    private static string? Banner(IHtmlDocument page) =>
        page.QuerySelector("[data-testid=customer-view-banner]")?.TextContent.ReplaceLineEndings(" ").Trim();

    private Task<int> ViewCountAsync(Guid staffUserId) => app.WithDbAsync((db, _) => db.CustomerViews.CountAsync(v => v.StaffUserId == staffUserId));

    private static string ViewCookie(HttpResponseMessage started) =>
        started.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(CustomerViewCookie.Name + "=", StringComparison.Ordinal)).Split(';')[0];

    [Theory]
    [InlineData(StaffRole.Admin)]
    [InlineData(StaffRole.Agent)]
    public async Task Admins_and_agents_see_the_members_dashboard_with_the_banner(StaffRole staffRole)
    {
        var v = await ViewAsync(BuiltInRoles.Requester, staffRole);
        var offered = (await v.Staff.GetPageAsync($"/staff/accounts/{v.Account.Id}")).QuerySelectorAll("[data-testid=view-as-customer] option");
        Assert.Contains(offered, o => o.GetAttribute("value") == v.Member.Id.ToString() && o.TextContent.Contains(v.Member.DisplayName, StringComparison.Ordinal));

        var dashboard = await v.Staff.GetPageAsync($"/a/{v.Account.Id}");

        Assert.Equal($"You are viewing the portal as {v.Member.DisplayName} ({v.Account.Name}). Read-only. Leave",
            System.Text.RegularExpressions.Regex.Replace(Banner(dashboard)!, @"\s+", " "));
        Assert.Contains("your role: Requester", dashboard.QuerySelector("[data-testid=active-account]")!.TextContent, StringComparison.Ordinal);
        // The member's navigation, not the staff console's.
        Assert.DoesNotContain(dashboard.QuerySelectorAll("nav.mainnav a"), a => a.GetAttribute("href") == "/staff");
        // Every page shows the banner while the view is open, the staff console too.
        Assert.NotNull(Banner(await v.Staff.GetPageAsync("/staff")));
        var view = await app.WithDbAsync((db, _) => db.CustomerViews.SingleAsync(x => x.StaffUserId == v.StaffUser.Id));
        Assert.Equal((v.Member.Id, v.Account.Id, Reason, (DateTime?)null), (view.MemberUserId, view.AccountId, view.Reason, view.EndedAt));
        Assert.Equal(CustomerView.Lifetime, view.ExpiresAt - view.StartedAt);
    }

    [Fact]
    public async Task Without_a_view_the_staff_member_is_no_member_of_the_account()
    {
        var (account, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var staff = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));

        Assert.Equal(HttpStatusCode.NotFound, (await staff.Http.GetAsync(new Uri($"/a/{account.Id}", UriKind.Relative))).StatusCode);
        Assert.Null(Banner(await staff.GetPageAsync("/staff")));
    }

    [Fact]
    public async Task Finance_staff_and_customers_cannot_start_a_view()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var finance = await app.CreateUserAsync(staffRole: StaffRole.Finance);
        using var financeClient = await app.SignInAsync(finance);
        using var ownerClient = await app.SignInAsync(owner);

        var accountPage = await financeClient.GetPageAsync($"/staff/accounts/{account.Id}");
        Assert.Null(accountPage.QuerySelector("[data-testid=view-as-customer]"));
        Assert.Equal(HttpStatusCode.Forbidden, (await financeClient.Http.GetAsync(new Uri($"/staff/accounts/{account.Id}/view-as", UriKind.Relative))).StatusCode);
        foreach (var (client, user) in new[] { (financeClient, finance), (ownerClient, owner) })
        {
            var token = await client.GetPageAsync("/account/profile");
            var response = await client.PostFormAsync($"/staff/accounts/{account.Id}/view-as", token,
                new Dictionary<string, string> { ["memberId"] = owner.Id.ToString(), ["reason"] = Reason });
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(0, await ViewCountAsync(user.Id));
            Assert.Null(Banner(await client.GetPageAsync("/account/profile")));
        }
    }

    [Fact]
    public async Task A_view_needs_a_reason_and_a_person_with_access_to_the_account()
    {
        var (account, member) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var formerMember = await app.CreateUserAsync();
        await app.AddMemberAsync(account, formerMember, BuiltInRoles.Owner, expiresAt: DateTime.UtcNow.AddDays(-1));
        var (_, memberElsewhere) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var staffUser = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var staff = await app.SignInAsync(staffUser);
        var auditBefore = await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.CustomerViewStarted));

        foreach (var reason in new string?[] { null, "", "   ", new string('x', CustomerView.MaxReasonLength + 1) })
        {
            var response = await StartAsync(staff, account, member.Id, reason);
            Assert.Contains("Give the reason", await PorticoClient.FieldErrorAsync(response, HttpStatusCode.UnprocessableEntity, "reason"), StringComparison.Ordinal);
        }
        foreach (var who in new Guid?[] { null, memberElsewhere.Id, formerMember.Id, staffUser.Id, Guid.NewGuid() })
        {
            var response = await StartAsync(staff, account, who, Reason);
            Assert.Equal("Choose a person who currently has access to this account.",
                await PorticoClient.FieldErrorAsync(response, HttpStatusCode.UnprocessableEntity, "memberId"));
        }
        Assert.Equal(HttpStatusCode.Redirect, (await StartAsync(staff, account, member.Id, Reason)).StatusCode);

        // Only the last, valid attempt started a view.
        Assert.Equal(1, await ViewCountAsync(staffUser.Id));
        Assert.Equal(auditBefore + 1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.CustomerViewStarted)));
    }

    [Fact]
    public async Task An_unknown_account_answers_404_and_starts_nothing()
    {
        var staffUser = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var staff = await app.SignInAsync(staffUser);
        var token = await staff.GetPageAsync("/account/profile");

        var response = await staff.PostFormAsync($"/staff/accounts/{Guid.NewGuid()}/view-as", token,
            new Dictionary<string, string> { ["memberId"] = staffUser.Id.ToString(), ["reason"] = Reason });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await ViewCountAsync(staffUser.Id));
    }

    [Fact]
    public async Task Every_change_anywhere_is_refused_while_viewing_and_nothing_changes()
    {
        var v = await ViewAsync(BuiltInRoles.Owner);
        var (account, owner) = (v.Account, v.Member);
        var colleague = await app.CreateUserAsync();
        var colleagueMembership = await app.AddMemberAsync(account, colleague, BuiltInRoles.Viewer);
        var type = await app.CreateRequestTypeAsync();
        var request = await app.CreateRequestAsync(account, owner, type, shared: true);
        var folder = await app.CreateFolderAsync(account);
        var (document, version) = await app.CreateDocumentAsync(folder, owner, "Contract.txt", "contract"u8.ToArray());
        var integration = await app.CreateIntegrationAsync();
        var invoice = await app.CreateInvoiceAsync(account, integration);
        var order = await app.CreateOrderAsync(account, integration);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["accountId"] = account.Id.ToString(), ["id"] = account.Id.ToString(), ["requestId"] = request.Id.ToString(),
            ["documentId"] = document.Id.ToString(), ["folderId"] = folder.Id.ToString(), ["versionId"] = version.Id.ToString(),
            ["invoiceId"] = invoice.Id.ToString(), ["orderId"] = order.Id.ToString(), ["typeId"] = type.Id.ToString(),
            ["integrationId"] = integration.Id.ToString(), ["membershipId"] = colleagueMembership.Id.ToString(), ["userId"] = colleague.Id.ToString(),
        };
        // Fields a real form would send, so a handler that got past the refusal would have something to act on.
        var fields = new Dictionary<string, string>
        {
            ["membershipId"] = colleagueMembership.Id.ToString(), ["userId"] = colleague.Id.ToString(), ["roleId"] = Guid.Empty.ToString(),
            ["email"] = $"view-{PorticoApp.Unique()}@example.com", ["required"] = "true", ["reason"] = "while viewing", ["body"] = "while viewing",
            ["memberId"] = colleague.Id.ToString(), ["others"] = "true", ["subject"] = "Printer broken", ["priority"] = "Normal", ["name"] = "New folder",
            ["Form.Lines"] = "1 Main Street", ["Form.City"] = "Lyon", ["Form.PostalCode"] = "69002", ["Form.Country"] = "France",
        };
        var token = PorticoClient.Token(await v.Staff.GetPageAsync($"/a/{account.Id}"));
        // SCIM routes take a provider's token, not the staff sign-in: they are sent with a valid one, so the refusal is the view's.
        var scim = await app.AddScimProviderAsync();
        values["providerId"] = scim.Saved.Id.ToString();

        var targets = await TargetsAsync();
        // The discovery must work, or the test would pass by sending nothing.
        Assert.Contains(("POST", "a/{accountId:guid}/contacts", "Invite"), targets);
        Assert.Contains(("POST", "api/accounts/{accountId:guid}/requests", ""), targets);
        Assert.Contains(("POST", "staff/accounts/{id:guid}", "Remove"), targets);
        Assert.Contains(("PATCH", "scim/v2/{providerId:guid}/Users/{id}", ""), targets);
        Assert.Contains(("PATCH", "scim/v2/{providerId:guid}/Groups/{id}", ""), targets);
        // Leaving the view and signing out (which leaves it first) are the only changes allowed, and the only routes left out.
        string[] leaving = ["logout", "staff/customer-view"];
        Assert.Equal(leaving, targets.Where(t => leaving.Contains(t.Route)).Select(t => t.Route).Order(StringComparer.Ordinal));

        var before = await app.AllTablesAsync();
        var failures = new List<string>();
        foreach (var (method, route, handler) in targets.Where(t => !leaving.Contains(t.Route)))
        {
            var path = "/" + string.Join('/', route.Split('/').Select(s => Fill(s, values)).Where(s => s.Length > 0));
            var url = handler.Length == 0 ? path : $"{path}?handler={handler}";
            using var message = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
            if (route.StartsWith("scim/", StringComparison.Ordinal))
            {
                message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", scim.Token);
                message.Content = new StringContent(JsonSerializer.Serialize(fields), System.Text.Encoding.UTF8, ScimApi.ContentType);
            }
            else if (route.StartsWith("api/", StringComparison.Ordinal))
            {
                message.Content = JsonContent.Create(fields);
            }
            else
            {
                message.Content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token)));
            }
            var response = await v.Staff.Http.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Forbidden || !body.Contains(CustomerViewMiddleware.RefusalTitle, StringComparison.Ordinal))
            {
                failures.Add($"{method} {url} answered {(int)response.StatusCode} without the read-only refusal");
            }
        }

        var after = await app.AllTablesAsync();
        failures.AddRange(before.Where(t => after[t.Key] != t.Value).Select(t => $"table {t.Key} changed"));
        Assert.True(failures.Count == 0, $"{failures.Count} problems after {targets.Count - 1} changes were sent:\n" + string.Join('\n', failures));
        // The view is still open: the refusals were not the view ending.
        Assert.NotNull(Banner(await v.Staff.GetPageAsync($"/a/{account.Id}")));
    }

    [Fact]
    public async Task A_refusal_on_the_api_is_a_problem_saying_the_view_is_read_only()
    {
        var v = await ViewAsync(BuiltInRoles.Owner);
        var type = await app.CreateRequestTypeAsync();

        var response = await v.Staff.Http.PostAsJsonAsync(new Uri($"/api/accounts/{v.Account.Id}/requests", UriKind.Relative),
            new { typeId = type.Id, subject = "Printer broken", priority = "Normal" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(CustomerViewMiddleware.RefusalTitle, problem.GetProperty("title").GetString());
        Assert.Contains(v.Member.DisplayName, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.Requests.CountAsync(r => r.AccountId == v.Account.Id)));
    }

    [Fact]
    public async Task A_view_ends_by_itself_after_thirty_minutes()
    {
        var v = await ViewAsync();
        app.Clock.Advance(CustomerView.Lifetime - TimeSpan.FromMinutes(1));
        Assert.NotNull(Banner(await v.Staff.GetPageAsync($"/a/{v.Account.Id}")));

        app.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(HttpStatusCode.NotFound, (await v.Staff.Http.GetAsync(new Uri($"/a/{v.Account.Id}", UriKind.Relative))).StatusCode);
        Assert.Null(Banner(await v.Staff.GetPageAsync("/staff")));
        var view = await app.WithDbAsync((db, _) => db.CustomerViews.SingleAsync(x => x.StaffUserId == v.StaffUser.Id));
        Assert.Equal(CustomerViewEndReasons.Expired, view.EndReason);
        Assert.NotNull(view.EndedAt);
        // The browser's cookie is worth nothing now, even sent again.
        using var replay = new HttpRequestMessage(HttpMethod.Get, new Uri($"/a/{v.Account.Id}", UriKind.Relative));
        replay.Headers.Add("Cookie", ViewCookie(v.Started));
        Assert.Equal(HttpStatusCode.NotFound, (await v.Staff.Http.SendAsync(replay)).StatusCode);
    }

    [Fact]
    public async Task Leaving_ends_the_view_and_a_new_one_needs_a_fresh_reason()
    {
        var v = await ViewAsync();
        var page = await v.Staff.GetPageAsync($"/a/{v.Account.Id}");
        var leave = page.QuerySelector("[data-testid=customer-view-banner] form")!.GetAttribute("action")!;

        var left = await v.Staff.PostFormAsync(leave, page, new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, left.StatusCode);
        Assert.Equal($"/staff/accounts/{v.Account.Id}", left.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await v.Staff.Http.GetAsync(new Uri($"/a/{v.Account.Id}", UriKind.Relative))).StatusCode);
        Assert.Null(Banner(await v.Staff.GetPageAsync("/staff")));
        var view = await app.WithDbAsync((db, _) => db.CustomerViews.SingleAsync(x => x.StaffUserId == v.StaffUser.Id));
        Assert.Equal(CustomerViewEndReasons.Left, view.EndReason);
        // The old cookie, sent again, opens nothing.
        using var replay = new HttpRequestMessage(HttpMethod.Get, new Uri($"/a/{v.Account.Id}", UriKind.Relative));
        replay.Headers.Add("Cookie", ViewCookie(v.Started));
        Assert.Equal(HttpStatusCode.NotFound, (await v.Staff.Http.SendAsync(replay)).StatusCode);
        // Leaving again says there is nothing to leave.
        var again = await v.Staff.PostFormAsync(leave, await v.Staff.GetPageAsync("/staff"), new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.NotNull((await PorticoClient.ParseAsync(again)).QuerySelector("[data-testid=no-customer-view]"));
        // A new view asks for a reason again.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await StartAsync(v.Staff, v.Account, v.Member.Id, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await StartAsync(v.Staff, v.Account, v.Member.Id, "Second look")).StatusCode);
        Assert.Equal(2, await ViewCountAsync(v.StaffUser.Id));
    }

    [Fact]
    public async Task A_view_id_of_another_staff_member_does_nothing()
    {
        var v = await ViewAsync();
        var otherUser = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var other = await app.SignInAsync(otherUser);
        var cookie = ViewCookie(v.Started);

        using var look = new HttpRequestMessage(HttpMethod.Get, new Uri($"/a/{v.Account.Id}", UriKind.Relative));
        look.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.SendAsync(look)).StatusCode);
        var token = PorticoClient.Token(await other.GetPageAsync("/staff"));
        using var leave = new HttpRequestMessage(HttpMethod.Post, new Uri("/staff/customer-view", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]),
        };
        leave.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.SendAsync(leave)).StatusCode);

        // The owner of the view still has it open, and it is still theirs alone.
        Assert.NotNull(Banner(await v.Staff.GetPageAsync($"/a/{v.Account.Id}")));
        var view = await app.WithDbAsync((db, _) => db.CustomerViews.SingleAsync(x => x.StaffUserId == v.StaffUser.Id));
        Assert.Null(view.EndedAt);
        Assert.Equal(0, await ViewCountAsync(otherUser.Id));
    }

    [Fact]
    public async Task Removing_the_member_ends_the_view()
    {
        var v = await ViewAsync(BuiltInRoles.Requester);
        Assert.NotNull(Banner(await v.Staff.GetPageAsync($"/a/{v.Account.Id}")));

        await app.WithDbAsync(async db => await db.Memberships.Where(m => m.UserId == v.Member.Id).ExecuteDeleteAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await v.Staff.Http.GetAsync(new Uri($"/a/{v.Account.Id}", UriKind.Relative))).StatusCode);
        Assert.Null(Banner(await v.Staff.GetPageAsync("/staff")));
        var view = await app.WithDbAsync((db, _) => db.CustomerViews.SingleAsync(x => x.StaffUserId == v.StaffUser.Id));
        Assert.Equal(CustomerViewEndReasons.MemberLostAccess, view.EndReason);
    }

    [Fact]
    public async Task An_expired_view_is_ended_and_audited_without_waiting_for_the_staff_members_next_page()
    {
        var v = await ViewAsync();
        app.Clock.Advance(CustomerView.Lifetime + TimeSpan.FromMinutes(1));

        Assert.True(await app.Services.GetRequiredService<CustomerViewExpiry>().EndExpiredAsync(CancellationToken.None) >= 1);

        var view = await app.WithDbAsync((db, _) => db.CustomerViews.SingleAsync(x => x.StaffUserId == v.StaffUser.Id));
        Assert.Equal(CustomerViewEndReasons.Expired, view.EndReason);
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.AccountId == v.Account.Id
            && e.Action == AuditActions.CustomerViewEnded && e.ActorUserId == v.StaffUser.Id)));
    }

    [Fact]
    public async Task Signing_out_while_viewing_ends_the_view_and_signs_the_staff_member_out()
    {
        var v = await ViewAsync();
        var page = await v.Staff.GetPageAsync($"/a/{v.Account.Id}");
        var response = await v.Staff.PostFormAsync(page.QuerySelector("form[action='/logout']")!.GetAttribute("action")!, page,
            new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.OriginalString);
        var view = await app.WithDbAsync((db, _) => db.CustomerViews.SingleAsync(x => x.StaffUserId == v.StaffUser.Id));
        Assert.Equal(CustomerViewEndReasons.SignedOut, view.EndReason);
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.AccountId == v.Account.Id
            && e.Action == AuditActions.CustomerViewEnded && e.ActorUserId == v.StaffUser.Id)));
        var after = await v.Staff.Http.GetAsync(new Uri("/staff", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/login", after.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task Start_and_end_are_in_the_staff_audit_and_in_the_owners_audit_log()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var v = await ViewAsync(BuiltInRoles.Requester, StaffRole.Agent, account);
        var page = await v.Staff.GetPageAsync($"/a/{account.Id}");
        await v.Staff.PostFormAsync("/staff/customer-view", page, new Dictionary<string, string>());

        using var ownerClient = await app.SignInAsync(owner);
        var ownerLog = await ownerClient.GetPageAsync($"/a/{account.Id}/audit");
        var rows = ownerLog.QuerySelectorAll("[data-testid=audit-event]").Select(r => r.TextContent).ToList();
        var started = Assert.Single(rows, r => r.Contains(AuditActions.CustomerViewStarted, StringComparison.Ordinal));
        Assert.Contains(Reason, started, StringComparison.Ordinal);
        Assert.Contains(v.StaffUser.Email!, started, StringComparison.Ordinal);
        Assert.Contains(v.Member.DisplayName, started, StringComparison.Ordinal);
        var ended = Assert.Single(rows, r => r.Contains(AuditActions.CustomerViewEnded, StringComparison.Ordinal));
        Assert.Contains(v.StaffUser.Email!, ended, StringComparison.Ordinal);
        Assert.Contains(CustomerViewEndReasons.Left, ended, StringComparison.Ordinal);

        using var admin = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));
        foreach (var action in new[] { AuditActions.CustomerViewStarted, AuditActions.CustomerViewEnded })
        {
            var staffLog = await admin.GetPageAsync($"/staff/audit?accountId={account.Id}&action={action}");
            Assert.Single(staffLog.QuerySelectorAll("[data-testid=audit-event]"), r => r.TextContent.Contains(v.StaffUser.Email!, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_download_while_viewing_is_audited_as_the_staff_members_with_the_member_noted()
    {
        var v = await ViewAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(v.Account);
        var (document, version) = await app.CreateDocumentAsync(folder, v.Member, "Contract.txt", "the contract"u8.ToArray());

        var response = await v.Staff.Http.GetAsync(new Uri($"/a/{v.Account.Id}/documents/{document.Id}/versions/{version.Id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("the contract", await response.Content.ReadAsStringAsync());
        var downloaded = await app.WithDbAsync((db, _) => db.AuditEvents
            .Where(e => e.Action == AuditActions.DocumentDownloaded && e.TargetId == document.Id.ToString()).SingleAsync());
        Assert.Equal((v.StaffUser.Id, v.StaffUser.Email, v.Member.Id, v.Account.Id),
            (downloaded.ActorUserId, downloaded.ActorName, downloaded.ActingAsUserId, downloaded.AccountId));

        // The Owners' audit log says whom the staff member was viewing the portal as.
        using var owner = await app.SignInAsync(v.Member);
        var log = await owner.GetPageAsync($"/a/{v.Account.Id}/audit");
        var row = Assert.Single(log.QuerySelectorAll("[data-testid=audit-event]"), r => r.TextContent.Contains(document.Id.ToString(), StringComparison.Ordinal));
        Assert.Equal($"viewing as {v.Member.DisplayName}", row.QuerySelector("[data-testid=acting-as]")?.TextContent);
    }

    [Fact]
    public async Task The_view_of_a_member_with_a_restricted_role_shows_only_what_that_role_sees()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var v = await ViewAsync(BuiltInRoles.Requester, StaffRole.Admin, account);
        var otherAccount = await app.CreateAccountAsync();
        await app.AddMemberAsync(otherAccount, v.Member, BuiltInRoles.Owner);
        var type = await app.CreateRequestTypeAsync();
        var own = await app.CreateRequestAsync(account, v.Member, type, "Own request " + PorticoApp.Unique());
        var ownersPrivate = await app.CreateRequestAsync(account, owner, type, "Owner's private request " + PorticoApp.Unique());
        var integration = await app.CreateIntegrationAsync();
        var invoice = await app.CreateInvoiceAsync(account, integration);

        var dashboard = await v.Staff.GetPageAsync($"/a/{account.Id}");
        var links = dashboard.QuerySelectorAll("nav.mainnav a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains($"/a/{account.Id}/requests", links);
        Assert.DoesNotContain($"/a/{account.Id}/invoices", links);
        Assert.DoesNotContain($"/a/{account.Id}/audit", links);
        // Only the viewed account is offered, not the member's others.
        var choices = dashboard.QuerySelectorAll("#account-switch option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Equal(new string?[] { account.Id.ToString() }, choices);

        var requests = await v.Staff.GetPageAsync($"/a/{account.Id}/requests");
        var subjects = requests.QuerySelectorAll("[data-testid=request-row]").Select(r => r.TextContent).ToList();
        Assert.Contains(subjects, s => s.Contains(own.Subject, StringComparison.Ordinal));
        Assert.DoesNotContain(subjects, s => s.Contains(ownersPrivate.Subject, StringComparison.Ordinal));
        foreach (var path in new[] { $"/a/{account.Id}/invoices", $"/a/{account.Id}/invoices/{invoice.Id}", $"/a/{account.Id}/audit" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await v.Staff.Http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await v.Staff.Http.GetAsync(new Uri($"/a/{account.Id}/requests/{ownersPrivate.Id}", UriKind.Relative))).StatusCode);
        // The member's other account is out of reach.
        Assert.Equal(HttpStatusCode.NotFound, (await v.Staff.Http.GetAsync(new Uri($"/a/{otherAccount.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await v.Staff.Http.GetAsync(new Uri($"/api/accounts/{otherAccount.Id}/requests", UriKind.Relative))).StatusCode);
    }

    /// Every state-changing page handler and endpoint, from the app's own endpoint list: (method, route, page handler).
    private async Task<List<(string Method, string Route, string Handler)>> TargetsAsync()
    {
        var loader = app.Services.GetRequiredService<PageLoader>();
        var found = new List<(string, string, string)>();
        foreach (var endpoint in app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var route = endpoint.RoutePattern.RawText!.Trim('/');
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } descriptor)
            {
                var compiled = await loader.LoadAsync(descriptor, endpoint.Metadata);
                found.AddRange(compiled.HandlerMethods.Where(h => !string.Equals(h.HttpMethod, "Get", StringComparison.OrdinalIgnoreCase))
                    .Select(h => (h.HttpMethod.ToUpperInvariant(), route, h.Name ?? "")));
                continue;
            }
            // An endpoint that names no method takes them all; a POST stands for the unsafe ones.
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["POST"];
            found.AddRange(methods.Where(m => m is "POST" or "PUT" or "PATCH" or "DELETE").Select(m => (m, route, "")));
        }
        return found.Distinct().OrderBy(f => f.Item2, StringComparer.Ordinal).ThenBy(f => f.Item3, StringComparer.Ordinal).ToList();
    }

    /// A route segment with a real object where the test has one, else a value its constraint accepts.
    private static string Fill(string segment, Dictionary<string, string> values)
    {
        if (!segment.StartsWith('{'))
        {
            return segment;
        }
        var parts = segment.Trim('{', '}', '*').Split(':', '?', '=');
        if (values.TryGetValue(parts[0], out var value))
        {
            return value;
        }
        if (segment.Contains('?', StringComparison.Ordinal))
        {
            return "";
        }
        return segment.Contains(":int", StringComparison.Ordinal) || segment.Contains(":long", StringComparison.Ordinal) ? "1"
            : segment.Contains(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "x";
    }
}
