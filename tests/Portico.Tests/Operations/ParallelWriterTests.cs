using Portico.Features.Approvals;
using Portico.Features.Help;
using Portico.Features.Requests.Staff;
using Portico.Tests.Documents;
using Portico.Tests.Integrations;

namespace Portico.Tests.Operations;

/// Many people writing the same things at the same moment, as on a busy portal: every answer is a
/// success or a clear refusal, never a server error; numbers stay unique and nothing is lost.
/// An app and database of their own, so the audit chain checked at the end holds only these writers.
public sealed class ParallelWriterTests : OwnStartedAppTests<PorticoApp>
{
    /// Starts every writer together, so they really overlap.
    private static async Task<T[]> AllAtOnceAsync<T>(int count, Func<int, Task<T>> writer)
    {
        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.WaitAsync();
            return await writer(i);
        })).ToList();
        start.Release(count);
        return await Task.WhenAll(tasks);
    }

    private static void NoServerErrors(IEnumerable<HttpResponseMessage> responses)
    {
        var byStatus = responses.GroupBy(r => (int)r.StatusCode).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}").ToList();
        Assert.False(responses.Any(r => (int)r.StatusCode >= 500), "Answers by status: " + string.Join(", ", byStatus));
    }

    private async Task AuditChainIsIntactAsync()
    {
        var result = await App.WithDbAsync((_, services) => services.GetRequiredService<VerifyAuditChain>().RunAsync(default));
        Assert.True(result.IsIntact, result.Problem);
    }

    /// The signed-in browsers of one test, closed together when it ends.
    private sealed class Browsers : List<PorticoClient>, IDisposable
    {
        public void Dispose() => ForEach(client => client.Dispose());
    }

    private async Task<Browsers> MembersSignedInAsync(Account account, int count, string role)
    {
        var clients = new Browsers();
        for (var i = 0; i < count; i++)
        {
            var user = await App.CreateUserAsync();
            await App.AddMemberAsync(account, user, role);
            clients.Add(await App.SignInAsync(user));
        }
        return clients;
    }

    [Fact]
    public async Task Customers_of_one_account_creating_requests_and_replying_at_once_all_succeed_with_gap_free_numbers()
    {
        const int Customers = 16, RequestsEach = 3;
        var account = await App.CreateAccountAsync();
        var type = await App.CreateRequestTypeAsync();
        using var clients = await MembersSignedInAsync(account, Customers, BuiltInRoles.Owner);
        var api = $"/api/accounts/{account.Id}/requests";
        // One request everybody answers at once, as on an incident the whole office follows.
        var shared = await clients[0].Http.PostAsJsonAsync(api, new { typeId = type.Id, subject = "Everyone is affected", shared = true });
        Assert.Equal(HttpStatusCode.Created, shared.StatusCode);
        var sharedId = (await shared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("summary").GetProperty("id").GetGuid();

        var answers = await AllAtOnceAsync(Customers, async i =>
        {
            var mine = new List<HttpResponseMessage>();
            for (var n = 0; n < RequestsEach; n++)
            {
                var created = await clients[i].Http.PostAsJsonAsync(api, new { typeId = type.Id, subject = $"Customer {i} request {n}" });
                mine.Add(created);
                if (created.StatusCode == HttpStatusCode.Created)
                {
                    var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("summary").GetProperty("id").GetGuid();
                    mine.Add(await clients[i].Http.PostAsJsonAsync($"{api}/{id}/replies", new { body = $"More detail from {i}" }));
                }
                mine.Add(await clients[i].Http.PostAsJsonAsync($"{api}/{sharedId}/replies", new { body = $"Customer {i} is affected too ({n})" }));
            }
            return mine;
        });

        var all = answers.SelectMany(a => a).ToList();
        NoServerErrors(all);
        Assert.All(all, r => Assert.True(r.IsSuccessStatusCode, $"{r.RequestMessage!.RequestUri}: {(int)r.StatusCode}"));
        var numbers = await App.WithDbAsync((db, _) => db.Requests.Where(r => r.AccountId == account.Id).Select(r => r.Number).OrderBy(n => n).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 1 + Customers * RequestsEach), numbers);
        var sharedReplies = await App.WithDbAsync((db, _) => db.RequestMessages.CountAsync(m => m.RequestId == sharedId));
        Assert.Equal(Customers * RequestsEach, sharedReplies);
        await AuditChainIsIntactAsync();
    }

    [Fact]
    public async Task Uploads_of_one_document_name_at_once_become_consecutive_versions()
    {
        const int Uploads = 12;
        var account = await App.CreateAccountAsync();
        var folder = await App.CreateFolderAsync(account);
        using var clients = await MembersSignedInAsync(account, 4, BuiltInRoles.Owner);

        var answers = await AllAtOnceAsync(Uploads, i =>
            clients[i % clients.Count].UploadByApiAsync(account.Id, folder.Id, "Minutes.txt", DocumentKit.Text($"Minutes, draft {i}")));

        NoServerErrors(answers);
        Assert.All(answers, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var document = Assert.Single(await App.DocumentsInAsync(folder.Id));
        Assert.Equal(Uploads, document.VersionCount);
        Assert.Equal(Enumerable.Range(1, Uploads), (await App.VersionsOfAsync(document.Id)).Select(v => v.Number).Order());
        await AuditChainIsIntactAsync();
    }

    [Fact]
    public async Task Two_approvers_deciding_one_change_at_once_leave_exactly_one_decision()
    {
        const int Changes = 4;
        var (account, owner) = await App.CreateCustomerAsync(BuiltInRoles.Owner);
        var people = new List<Membership>();
        for (var i = 0; i < Changes; i++)
        {
            people.Add(await App.AddMemberAsync(account, await App.CreateUserAsync(), BuiltInRoles.Viewer));
        }
        using var ownerClient = await App.SignInAsync(owner);
        var billing = await App.RoleIdAsync(BuiltInRoles.Billing);
        foreach (var person in people)
        {
            ApprovalSteps.Redirected(await ownerClient.ChangeRoleAsync(account.Id, person.Id, billing));
        }
        var changes = await App.ChangesAsync(account.Id);
        Assert.Equal(Changes, changes.Count);
        // No account manager: any staff admin approves.
        using var first = await App.SignInAsync(await App.CreateUserAsync(staffRole: StaffRole.Admin));
        using var second = await App.SignInAsync(await App.CreateUserAsync(staffRole: StaffRole.Admin));

        var answers = await AllAtOnceAsync(Changes * 2, i =>
            (i % 2 == 0 ? first : second).DecideAsync("/staff/approvals", i % 4 < 2 ? "Approve" : (i % 2 == 0 ? "Approve" : "Reject"),
                changes[i / 2].Id, $"Decision {i}"));

        NoServerErrors(answers);
        foreach (var change in changes)
        {
            var decided = await App.ChangeAsync(change.Id);
            Assert.NotEqual(ChangeStatus.Pending, decided.Status);
            var approvals = await App.AuditCountAsync(AuditActions.ApprovalApproved, change.Id.ToString());
            var rejections = await App.AuditCountAsync(AuditActions.ApprovalRejected, change.Id.ToString());
            Assert.Equal(1, approvals + rejections);
            var person = people.Single(p => p.Id == change.Read<RoleChangePayload>().MembershipId);
            Assert.Equal(decided.Status == ChangeStatus.Approved ? BuiltInRoles.Billing : BuiltInRoles.Viewer, await App.RoleOfAsync(person.Id));
        }
        Assert.Equal(Changes, answers.Count(r => r.StatusCode == HttpStatusCode.Redirect));
        await AuditChainIsIntactAsync();
    }

    [Fact]
    public async Task Accepting_one_invitation_twice_at_once_joins_once()
    {
        var account = await App.CreateAccountAsync();
        var auditor = await App.RoleIdAsync(BuiltInRoles.Auditor);
        // Someone with an account, signed in in two browsers.
        var existing = await App.CreateUserAsync();
        var (_, forExisting) = await InviteAsync(account.Id, existing.Email!, auditor);
        using var one = await App.SignInAsync(existing);
        using var other = await App.SignInAsync(existing);
        // Someone new, registering from two browsers.
        var newcomer = $"new-{PorticoApp.Unique()}@example.com";
        var (_, forNewcomer) = await InviteAsync(account.Id, newcomer, auditor);
        using var a = App.Anonymous();
        using var b = App.Anonymous();

        (PorticoClient Client, string Token, string Handler) Writer(int i) => i switch
        {
            0 => (one, forExisting, "Accept"),
            1 => (other, forExisting, "Accept"),
            2 => (a, forNewcomer, "Register"),
            _ => (b, forNewcomer, "Register"),
        };
        // Every browser opens the invitation before anyone accepts it; opened after, it would rightly show no form.
        var pages = new List<AngleSharp.Html.Dom.IHtmlDocument>();
        for (var i = 0; i < 4; i++)
        {
            pages.Add(await Writer(i).Client.GetPageAsync($"/invitations/{Writer(i).Token}"));
        }
        var answers = await AllAtOnceAsync(4, async i =>
        {
            var (client, token, handler) = Writer(i);
            var page = pages[i];
            var fields = handler == "Register"
                ? new Dictionary<string, string> { ["Form.Name"] = "New Person", ["Form.Password"] = "A-good-long-password-1", ["Form.ConfirmPassword"] = "A-good-long-password-1" }
                : [];
            return await client.PostFormAsync($"/invitations/{token}?handler={handler}", page, fields);
        });

        NoServerErrors(answers);
        Assert.Equal(1, answers.Take(2).Count(r => r.StatusCode == HttpStatusCode.Redirect));
        Assert.Equal(1, answers.Skip(2).Count(r => r.StatusCode == HttpStatusCode.Redirect));
        var memberships = await App.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.AccountId == account.Id)
            .Select(m => m.User.Email).ToListAsync());
        Assert.Equal(2, memberships.Count);
        Assert.Contains(existing.Email, memberships);
        Assert.Contains(newcomer, memberships);
        Assert.Equal(2, await App.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvitationAccepted && e.AccountId == account.Id)));
        await AuditChainIsIntactAsync();
    }

    private Task<(Invitation Invitation, string Token)> InviteAsync(Guid accountId, string email, Guid roleId) => App.WithDbAsync(async (db, _) =>
    {
        var (invitation, token) = Invitation.Create(accountId, email, roleId, null, "Test", DateTime.UtcNow);
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync();
        return (invitation, token);
    });

    [Fact]
    public async Task Integration_batches_on_the_same_records_while_customers_write_answer_ok_or_conflict_and_keep_each_record_once()
    {
        const int Batches = 8, Customers = 6;
        var (integration, source) = await App.CreateIntegrationWithKeyAsync();
        await App.SetOwnerAsync("invoices", integration.Id);
        var mapped = await App.CreateMappedAccountAsync();
        var ids = Enumerable.Range(0, 5).Select(_ => IntegrationSteps.NewExternalId("INV")).ToList();
        var type = await App.CreateRequestTypeAsync();
        using var clients = await MembersSignedInAsync(mapped, Customers, BuiltInRoles.Owner);

        // Batches write in a transaction of their own while customers' requests append to the audit chain.
        var answers = await AllAtOnceAsync(Batches + Customers, async i => i < Batches
            ? await source.PutBatchAsync("invoices", ids.Select(id => (JsonNode)IntegrationSteps.InvoiceJson(id, mapped.ExternalId!, number: id, total: 100 + i)).ToArray())
            : await clients[i - Batches].Http.PostAsJsonAsync($"/api/accounts/{mapped.Id}/requests", new { typeId = type.Id, subject = $"Invoice question {i}" }));

        NoServerErrors(answers);
        Assert.All(answers.Take(Batches), r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Contains(answers.Take(Batches), r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Skip(Batches), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var stored = await App.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().Where(x => ids.Contains(x.ExternalId)).Select(x => x.ExternalId).ToListAsync());
        Assert.Equal(ids.Order(), stored.Order());
        source.Dispose();
        await AuditChainIsIntactAsync();
    }

    [Fact]
    public async Task Two_Owners_removing_or_demoting_each_other_at_once_leave_the_account_an_Owner()
    {
        var viewerRole = await App.RoleIdAsync(BuiltInRoles.Viewer);
        for (var round = 0; round < 4; round++)
        {
            var account = await App.CreateAccountAsync();
            var first = await App.CreateUserAsync();
            var second = await App.CreateUserAsync();
            var memberships = new[] { await App.AddMemberAsync(account, first, BuiltInRoles.Owner), await App.AddMemberAsync(account, second, BuiltInRoles.Owner) };
            using var clients = new Browsers { await App.SignInAsync(first), await App.SignInAsync(second) };
            var pages = new[] { await clients[0].GetPageAsync($"/a/{account.Id}/contacts"), await clients[1].GetPageAsync($"/a/{account.Id}/contacts") };
            // Even rounds remove, odd rounds demote: each Owner acts on the other at the same moment.
            var responses = await AllAtOnceAsync(2, i => clients[i].PostFormAsync($"/a/{account.Id}/contacts?handler={(round % 2 == 0 ? "Remove" : "Role")}", pages[i],
                new Dictionary<string, string> { ["membershipId"] = memberships[1 - i].Id.ToString(), ["roleId"] = viewerRole.ToString() }));
            NoServerErrors(responses);
            var owners = await App.WithDbAsync((db, _) => db.Memberships.CountAsync(m => m.AccountId == account.Id && m.Role.Name == BuiltInRoles.Owner));
            Assert.Equal(1, owners);
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        }
        await AuditChainIsIntactAsync();
    }

    [Fact]
    public async Task Many_audit_events_at_once_form_one_intact_chain()
    {
        const int Writers = 24;
        await AllAtOnceAsync(Writers, async i =>
        {
            await using var scope = App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Portico.Data.PorticoDb>();
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            audit.Record("test.parallel", targetType: "Thing", targetId: i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            audit.Record("test.parallel", targetType: "Thing", targetId: i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return await db.SaveChangesAsync();
        });

        Assert.Equal(Writers * 2, await App.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == "test.parallel")));
        await AuditChainIsIntactAsync();
    }

    [Fact]
    public async Task Staff_saving_one_name_at_once_get_it_saved_once_and_a_clear_refusal_never_a_server_error()
    {
        // Two admins, or one double-clicking: each check finds the name free before any of the saves lands.
        var account = await App.CreateAccountAsync();
        var category = (await App.WithDbAsync(async (db, services) =>
        {
            var name = "Parallel " + PorticoApp.Unique();
            Assert.True((await services.GetRequiredService<ManageHelp>().AddCategoryAsync(name, default)).Succeeded);
            return await db.HelpCategories.SingleAsync(c => c.Name == name);
        })).Id;
        var ruleRole = await App.WithDbAsync(async (_, services) =>
            (await services.GetRequiredService<ChangeRoleCatalogue>().CreateAsync("Parallel rule " + PorticoApp.Unique(), "", [], default)).Value!.Name);
        var slas = Enum.GetValues<RequestPriority>().Select(p => new SlaInput { Priority = p, FirstResponseHours = 4, ResolutionHours = 24 }).ToList();
        var creates = new (string What, string Refusal, Func<IServiceProvider, string, Task<Outcome>> Create, Func<PorticoDb, string, Task<int>> Count)[]
        {
            ("integration", "already exists", async (s, name) => (await s.GetRequiredService<ManageIntegrations>().CreateAsync(name, 60, default)).Status,
                (db, name) => db.Integrations.CountAsync(i => i.Name == name)),
            ("role", "already exists", async (s, name) => (await s.GetRequiredService<ChangeRoleCatalogue>().CreateAsync(name, "", [], default)).Status,
                (db, name) => db.Roles.CountAsync(r => r.Name == name)),
            ("folder", "already has a folder", async (s, name) => (await s.GetRequiredService<DocumentActions>().CreateFolderAsync(account.Id, name, false, [], [], default)).Status,
                (db, name) => db.DocumentFolders.CountAsync(f => f.Name == name)),
            ("help category", "already a category", (s, name) => s.GetRequiredService<ManageHelp>().AddCategoryAsync(name, default),
                (db, name) => db.HelpCategories.CountAsync(c => c.Name == name)),
            ("request type", "already has this name", async (s, name) => (await s.GetRequiredService<SaveRequestType>().SaveAsync(null,
                new TypeInput { Name = name, Sla = slas }, true, default)).Status,
                (db, name) => db.RequestTypes.CountAsync(t => t.Name == name)),
            ("help article", "at the same moment", async (s, name) => (await s.GetRequiredService<ManageHelp>().SaveAsync(null,
                new ArticleInput { CategoryId = category, Title = name, Body = "How to do it." }, false, default)).Status,
                (db, name) => db.HelpArticles.CountAsync(a => a.DraftTitle == name)),
            // The rule for granting one role, new: its name is the kind of change and the role.
            ("approval rule", "at the same moment",
                (s, _) => s.GetRequiredService<ManageApprovalRules>().SaveAsync(ChangeKinds.RoleGrant, ruleRole, ApproverKind.StaffAdmin, default),
                (db, _) => db.ApprovalRules.CountAsync(r => r.RoleName == ruleRole)),
        };
        foreach (var (what, refusal, create, count) in creates)
        {
            var name = $"Parallel {what} {PorticoApp.Unique()}";

            var outcomes = await AllAtOnceAsync(8, _ => App.WithDbAsync((_, services) => create(services, name)));

            var made = outcomes.Count(o => o.Succeeded);
            var stored = await App.WithDbAsync((db, _) => count(db, name));
            Assert.True(made >= 1, $"{what}: {string.Join(", ", outcomes.Select(o => o.Kind))}");
            Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.Contains(refusal, o.Message, StringComparison.Ordinal));
            var expected = what switch
            {
                // Articles may share a title (the later is numbered in its address): every save made is stored.
                "help article" => (made, made),
                // A save after the first rule committed changes that rule.
                "approval rule" => (made, 1),
                _ => (1, 1),
            };
            Assert.Equal((what, expected.Item1, expected.Item2), (what, made, stored));
        }
        await AuditChainIsIntactAsync();
    }
}
