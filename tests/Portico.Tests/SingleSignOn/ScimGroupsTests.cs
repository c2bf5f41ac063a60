namespace Portico.Tests.SingleSignOn;

/// An identity provider pushes groups through SCIM 2.0; a group its group-to-role mapping names gives its members that role
/// in the provider's accounts.
public sealed class ScimGroupsTests(PorticoApp app) : AppTests
{
    private static readonly string[] UserSchemas = ["urn:ietf:params:scim:schemas:core:2.0:User"];
    private static readonly string[] GroupSchemas = ["urn:ietf:params:scim:schemas:core:2.0:Group"];
    private static readonly string[] PatchSchemas = ["urn:ietf:params:scim:api:messages:2.0:PatchOp"];

    private static string Groups(ScimProvider p) => $"/scim/v2/{p.Saved.Id}/Groups";

    private async Task<Guid> ProvisionAsync(ScimProvider p, string name)
    {
        var (status, body) = await app.ScimAsync(HttpMethod.Post, $"/scim/v2/{p.Saved.Id}/Users", p.Token,
            new { schemas = UserSchemas, userName = $"{name}-{PorticoApp.Unique()}@{p.Domain}", displayName = name });
        Assert.Equal(HttpStatusCode.Created, status);
        return Guid.Parse(body!["id"]!.GetValue<string>());
    }

    private async Task<Guid> CreateGroupAsync(ScimProvider p, string displayName, params Guid[] members)
    {
        var (status, body) = await app.ScimAsync(HttpMethod.Post, Groups(p), p.Token,
            new { schemas = GroupSchemas, displayName, members = members.Select(m => new { value = m.ToString() }) });
        Assert.Equal(HttpStatusCode.Created, status);
        return Guid.Parse(body!["id"]!.GetValue<string>());
    }

    private Task<(HttpStatusCode Status, JsonObject? Body)> PatchAsync(ScimProvider p, Guid group, params object[] operations) =>
        app.ScimAsync(HttpMethod.Patch, $"{Groups(p)}/{group}", p.Token, new { schemas = PatchSchemas, Operations = operations });

    private Task<string> RoleAsync(ScimProvider p, Guid person) => app.WithDbAsync((db, _) =>
        db.Memberships.IgnoreQueryFilters().Where(m => m.UserId == person && m.AccountId == p.Account.Id).Select(m => m.Role.Name).SingleAsync());

    [Fact]
    public async Task Members_of_a_mapped_group_get_its_role_in_the_providers_accounts_and_lose_it_when_they_leave()
    {
        var p = await app.AddScimProviderAsync("portal-billing = Billing");
        var (ada, bob) = (await ProvisionAsync(p, "ada"), await ProvisionAsync(p, "bob"));

        var group = await CreateGroupAsync(p, "portal-billing", ada);

        Assert.Equal((BuiltInRoles.Billing, BuiltInRoles.Requester), (await RoleAsync(p, ada), await RoleAsync(p, bob)));
        var (_, found) = await app.ScimAsync(HttpMethod.Get, Groups(p) + "?filter=" + Uri.EscapeDataString("displayName eq \"Portal-Billing\""), p.Token);
        Assert.Equal(1, found!["totalResults"]!.GetValue<int>());
        Assert.Equal(ada.ToString(), found["Resources"]![0]!["members"]![0]!["value"]!.GetValue<string>());

        // Entra ID adds with a list of values; Okta removes by a path naming the member.
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(p, group, new { op = "Add", path = "members", value = new[] { new { value = bob.ToString() } } })).Status);
        Assert.Equal(BuiltInRoles.Billing, await RoleAsync(p, bob));
        var (status, body) = await PatchAsync(p, group, new { op = "remove", path = $"members[value eq \"{ada}\"]" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([bob.ToString()], body!["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        Assert.Equal((BuiltInRoles.Requester, BuiltInRoles.Billing), (await RoleAsync(p, ada), await RoleAsync(p, bob)));
        Assert.Equal(2, await app.AuditCountAsync(AuditActions.ScimGroupChanged, group.ToString()));
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ScimGroupCreated, group.ToString()));
        Assert.Equal(3, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.MembershipRoleChanged && e.AccountId == p.Account.Id)));

        // Deleting the group takes its role from whoever was still in it.
        Assert.Equal(HttpStatusCode.NoContent, (await app.ScimAsync(HttpMethod.Delete, $"{Groups(p)}/{group}", p.Token)).Status);
        Assert.Equal(BuiltInRoles.Requester, await RoleAsync(p, bob));
        Assert.Equal(HttpStatusCode.NotFound, (await app.ScimAsync(HttpMethod.Get, $"{Groups(p)}/{group}", p.Token)).Status);
        Assert.Equal(1, await app.AuditCountAsync(AuditActions.ScimGroupDeleted, group.ToString()));
    }

    [Fact]
    public async Task Operations_of_one_patch_apply_in_order_so_a_member_removed_and_added_again_stays()
    {
        var p = await app.AddScimProviderAsync("portal-billing = Billing");
        var (ada, bob) = (await ProvisionAsync(p, "ada"), await ProvisionAsync(p, "bob"));
        var group = await CreateGroupAsync(p, "portal-billing", ada, bob);
        object Listed(Guid person) => new[] { new { value = person.ToString() } };

        // Entra ID: remove and add with value lists; Okta: remove by the member's path, then add.
        var (entra, _) = await PatchAsync(p, group, new { op = "Remove", path = "members", value = Listed(ada) }, new { op = "Add", path = "members", value = Listed(ada) });
        var (okta, body) = await PatchAsync(p, group, new { op = "remove", path = $"members[value eq \"{bob}\"]" }, new { op = "add", path = "members", value = Listed(bob) });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (entra, okta));
        Assert.Equal(new[] { ada, bob }.Select(x => x.ToString()).Order(), body!["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()).Order());
        Assert.Equal((BuiltInRoles.Billing, BuiltInRoles.Billing), (await RoleAsync(p, ada), await RoleAsync(p, bob)));

        // The other way round, the member ends removed; a replace starts the list again from what it names.
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(p, group, new { op = "add", path = "members", value = Listed(ada) },
            new { op = "remove", path = $"members[value eq \"{ada}\"]" })).Status);
        var (_, last) = await PatchAsync(p, group, new { op = "remove", path = "members", value = Listed(bob) },
            new { op = "replace", path = "members", value = Listed(bob) }, new { op = "add", path = "members", value = Listed(ada) },
            new { op = "remove", path = "members", value = Listed(ada) });
        Assert.Equal([bob.ToString()], last!["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        Assert.Equal((BuiltInRoles.Requester, BuiltInRoles.Billing), (await RoleAsync(p, ada), await RoleAsync(p, bob)));
    }

    [Fact]
    public async Task A_group_the_mapping_does_not_name_changes_nobodys_role()
    {
        var p = await app.AddScimProviderAsync("portal-billing = Billing");
        var ada = await ProvisionAsync(p, "ada");
        var viewer = await app.WithDbAsync((db, _) => db.Roles.Where(r => r.Name == BuiltInRoles.Viewer).Select(r => r.Id).SingleAsync());
        await app.WithDbAsync(async db => await db.Memberships.IgnoreQueryFilters().Where(m => m.UserId == ada)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.RoleId, viewer)));

        var group = await CreateGroupAsync(p, "everyone", ada);
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(p, group, new { op = "replace", path = "displayName", value = "all staff" })).Status);

        Assert.Equal(BuiltInRoles.Viewer, await RoleAsync(p, ada));
        // Renamed to a name the mapping knows, the group gives its role.
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(p, group, new { op = "replace", value = new { displayName = "portal-billing" } })).Status);
        Assert.Equal(BuiltInRoles.Billing, await RoleAsync(p, ada));
    }

    [Fact]
    public async Task Leaving_a_group_never_takes_an_accounts_last_owner_away()
    {
        var p = await app.AddScimProviderAsync("portal-owners = Owner");
        var ada = await ProvisionAsync(p, "ada");
        var group = await CreateGroupAsync(p, "portal-owners", ada);
        Assert.Equal(BuiltInRoles.Owner, await RoleAsync(p, ada));

        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(p, group, new { op = "Remove", path = "members", value = new[] { new { value = ada.ToString() } } })).Status);

        Assert.Equal(BuiltInRoles.Owner, await RoleAsync(p, ada));
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.SingleSignOnRoleKept && e.AccountId == p.Account.Id)));
    }

    [Fact]
    public async Task Parallel_writers_moving_owners_out_of_owner_groups_and_deleting_them_never_fail_and_leave_exactly_one_owner()
    {
        for (var round = 0; round < 3; round++)
        {
            var p = await app.AddScimProviderAsync("portal-owners = Owner\nportal-admins = Owner");
            var people = new List<Guid>();
            for (var i = 0; i < 6; i++)
            {
                people.Add(await ProvisionAsync(p, "owner" + i));
            }
            var owners = await CreateGroupAsync(p, "portal-owners", [.. people]);
            var admins = await CreateGroupAsync(p, "portal-admins", [.. people]);
            foreach (var person in people)
            {
                Assert.Equal(BuiltInRoles.Owner, await RoleAsync(p, person));
            }

            // Sixteen writers at once: each person taken out of both groups (Entra ID's and Okta's forms), both groups
            // emptied by PUT, and both deleted.
            var writers = people.SelectMany((person, i) => new[]
            {
                PatchAsync(p, owners, i % 2 == 0
                    ? new { op = "Remove", path = "members", value = (object?)new[] { new { value = person.ToString() } } }
                    : new { op = "remove", path = $"members[value eq \"{person}\"]", value = (object?)null }),
                PatchAsync(p, admins, new { op = "Remove", path = "members", value = new[] { new { value = person.ToString() } } }),
            }).Concat(
            [
                app.ScimAsync(HttpMethod.Put, $"{Groups(p)}/{owners}", p.Token, new { schemas = GroupSchemas, displayName = "portal-owners", members = Array.Empty<object>() }),
                app.ScimAsync(HttpMethod.Put, $"{Groups(p)}/{admins}", p.Token, new { schemas = GroupSchemas, displayName = "portal-admins", members = Array.Empty<object>() }),
                app.ScimAsync(HttpMethod.Delete, $"{Groups(p)}/{owners}", p.Token),
                app.ScimAsync(HttpMethod.Delete, $"{Groups(p)}/{admins}", p.Token),
            ]).ToList();
            Assert.Equal(16, writers.Count);
            var answers = await Task.WhenAll(writers);

            Assert.All(answers, a => Assert.Contains(a.Status, new[] { HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.NotFound }));
            Assert.Equal(2, answers.Count(a => a.Status == HttpStatusCode.NoContent));
            // Everyone left every Owner group, so each lost the role but the one the account needed to keep.
            var roles = await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.AccountId == p.Account.Id).Select(m => m.Role.Name).ToListAsync());
            Assert.Equal(6, roles.Count);
            Assert.Equal((1, 5), (roles.Count(r => r == BuiltInRoles.Owner), roles.Count(r => r == BuiltInRoles.Requester)));
        }
    }

    private static void AssertNameTaken((HttpStatusCode Status, JsonObject? Body) answer)
    {
        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        Assert.Equal(("uniqueness", "409"), (answer.Body!["scimType"]!.GetValue<string>(), answer.Body["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Sixteen_creates_of_one_group_name_at_once_make_one_group_and_answer_the_rest_conflict()
    {
        var p = await app.AddScimProviderAsync("portal-billing = Billing");
        var ada = await ProvisionAsync(p, "ada");

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            app.ScimAsync(HttpMethod.Post, Groups(p), p.Token, new { schemas = GroupSchemas, displayName = "portal-billing", members = new[] { new { value = ada.ToString() } } })));

        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), AssertNameTaken);
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.ScimGroups.CountAsync(g => g.ProviderId == p.Saved.Id)));
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ScimGroupCreated && e.Details!.Contains(p.Saved.Id.ToString()))));
        Assert.Equal(BuiltInRoles.Billing, await RoleAsync(p, ada));
    }

    [Fact]
    public async Task Eight_groups_renamed_to_one_name_at_once_leave_one_group_of_that_name()
    {
        var p = await app.AddScimProviderAsync();
        var groups = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            groups.Add(await CreateGroupAsync(p, "team-" + i));
        }

        var answers = await Task.WhenAll(groups.Select(g => PatchAsync(p, g, new { op = "replace", path = "displayName", value = "everyone" })));

        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), AssertNameTaken);
        var names = await app.WithDbAsync((db, _) => db.ScimGroups.Where(g => g.ProviderId == p.Saved.Id).Select(g => g.DisplayName).ToListAsync());
        Assert.Equal(8, names.Count);
        Assert.Single(names, "everyone");
    }

    [Fact]
    public async Task A_second_group_of_the_same_name_an_unsupported_operation_and_a_person_outside_the_provider_are_refused()
    {
        var p = await app.AddScimProviderAsync("portal-billing = Billing");
        var group = await CreateGroupAsync(p, "portal-billing");
        var (_, outsider) = await app.CreateCustomerAsync(BuiltInRoles.Owner);

        var (duplicate, refusal) = await app.ScimAsync(HttpMethod.Post, Groups(p), p.Token, new { schemas = GroupSchemas, displayName = "portal-billing" });
        Assert.Equal((HttpStatusCode.Conflict, "uniqueness", "409"), (duplicate, refusal!["scimType"]!.GetValue<string>(), refusal["status"]!.GetValue<string>()));
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", refusal["schemas"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await PatchAsync(p, group, new { op = "replace", path = "externalId", value = "x" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.ScimAsync(HttpMethod.Post, Groups(p), p.Token, new { schemas = GroupSchemas, displayName = " " })).Status);
        var (status, body) = await PatchAsync(p, group, new { op = "add", path = "members", value = new[] { new { value = outsider.Id.ToString() } } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalidValue", body!["scimType"]!.GetValue<string>());
        Assert.Equal(BuiltInRoles.Owner, await app.WithDbAsync((db, _) => db.Memberships.IgnoreQueryFilters().Where(m => m.UserId == outsider.Id).Select(m => m.Role.Name).SingleAsync()));
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.ScimGroupMembers.CountAsync(m => m.GroupId == group)));
    }
}
