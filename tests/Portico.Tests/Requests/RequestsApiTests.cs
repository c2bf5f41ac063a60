namespace Portico.Tests.Requests;

public sealed class RequestsApiTests(PorticoApp app) : AppTests
{
    private static readonly RequestField[] Fields =
    [
        new("amount", "Amount", FieldKind.Number, Required: true, []),
        new("when", "When", FieldKind.Date, Required: false, []),
        new("systems", "Systems", FieldKind.MultiChoice, Required: false, ["Mail", "Web", "VPN"]),
        new("evidence", "Evidence", FieldKind.File, Required: false, []),
    ];

    private static Uri Api(Guid accountId, string rest = "") => new($"/api/accounts/{accountId}/requests{rest}", UriKind.Relative);

    private sealed record Setup(Account Account, PorticoUser User, PorticoClient Client, RequestType Type, PorticoUser Agent) : IDisposable
    {
        public void Dispose() => Client.Dispose();
    }

    /// An owner signed in, and a type with fields whose requests go to one agent.
    private async Task<Setup> SetUpAsync()
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync(Fields, role: BuiltInRoles.Owner);
        return new Setup(account, user, await app.SignInAsync(user), type, agent);
    }

    private static Task<HttpResponseMessage> CreateAsync(PorticoClient client, Guid accountId, Guid typeId, string subject, object? fields = null) =>
        client.Http.PostAsJsonAsync(Api(accountId), new { typeId, subject, fields = fields ?? new { amount = 1 } });

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("summary").GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Creating_a_request_validates_it_against_its_type_and_stores_fields_and_files()
    {
        using var s = await SetUpAsync();
        var (account, _, client, type, agent) = s;
        var log = Encoding.UTF8.GetBytes("2024-05-01 12:00 connection refused");

        var response = await client.Http.PostAsJsonAsync(Api(account.Id), new
        {
            typeId = type.Id,
            subject = "Mail server down",
            priority = "High",
            shared = true,
            fields = new Dictionary<string, object> { ["amount"] = 12.5, ["when"] = "2024-05-01", ["systems"] = new List<string> { "Mail", "Web" } },
            files = new[] { new { fieldKey = "evidence", fileName = "server.log", contentBase64 = Convert.ToBase64String(log) } },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var summary = body.GetProperty("summary");
        var id = summary.GetProperty("id").GetGuid();
        Assert.Equal($"/api/accounts/{account.Id}/requests/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(1, summary.GetProperty("number").GetInt32());
        Assert.Equal("High", summary.GetProperty("priority").GetString());
        Assert.Equal("New", summary.GetProperty("status").GetString());
        Assert.Equal(agent.DisplayName, summary.GetProperty("assignedTo").GetString());
        Assert.True(summary.GetProperty("sharedWithAccount").GetBoolean());
        var fields = body.GetProperty("fields");
        Assert.Equal("12.5", fields.GetProperty("amount").GetString());
        Assert.Equal("2024-05-01", fields.GetProperty("when").GetString());
        Assert.Equal("Mail\nWeb", fields.GetProperty("systems").GetString());
        var file = body.GetProperty("fieldFiles").EnumerateArray().Single();
        Assert.Equal("server.log", file.GetProperty("fileName").GetString());
        var download = await client.Http.GetAsync(new Uri(file.GetProperty("url").GetString()!, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(log, await download.Content.ReadAsByteArrayAsync());
        var stored = await app.LoadRequestAsync(id);
        Assert.Equal(("Mail server down", RequestPriority.High, account.Id), (stored.Subject, stored.Priority, stored.AccountId));
    }

    [Fact]
    public async Task Invalid_fields_get_a_validation_problem_keyed_by_field_and_nothing_is_saved()
    {
        using var s = await SetUpAsync();
        var (account, _, client, type, _) = s;

        var response = await client.Http.PostAsJsonAsync(Api(account.Id), new
        {
            typeId = type.Id,
            subject = "",
            priority = "Critical",
            fields = new Dictionary<string, object> { ["amount"] = "lots", ["when"] = "yesterday", ["systems"] = new List<string> { "Mail", "Fax" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var byKey = errors.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Single().GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["subject"] = "Enter a subject.",
            ["priority"] = "Choose a priority: Low, Normal, High or Urgent.",
            ["amount"] = "\"Amount\" must be a number, such as 12 or 3.5.",
            ["when"] = "\"When\" must be a date (YYYY-MM-DD).",
            ["systems"] = "\"Systems\" can only contain: Mail, Web, VPN.",
        }, byKey);

        var missing = await client.Http.PostAsJsonAsync(Api(account.Id), new { typeId = type.Id, subject = "No amount" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("Fill in \"Amount\".", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("amount")[0].GetString());

        var unknownType = await client.Http.PostAsJsonAsync(Api(account.Id), new { typeId = Guid.NewGuid(), subject = "Unknown type" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownType.StatusCode);
        Assert.Equal("Choose a request type you may submit.", (await unknownType.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("type")[0].GetString());

        var badFile = await client.Http.PostAsJsonAsync(Api(account.Id), new
        {
            typeId = type.Id, subject = "Bad file", fields = new { amount = 1 },
            files = new[] { new { fieldKey = "evidence", fileName = "x.txt", contentBase64 = "not base64!" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, badFile.StatusCode);
        Assert.Equal("\"x.txt\" is not valid base64.", (await badFile.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("files")[0].GetString());

        Assert.Equal(0, await app.RequestCountAsync(account.Id));
        Assert.Equal(0, await app.AttachmentCountAsync(account.Id));
    }

    [Fact]
    public async Task The_list_filters_by_status_type_submitter_and_text()
    {
        using var s = await SetUpAsync();
        var (account, owner, client, type, agent) = s;
        var otherType = await app.CreateAssignedTypeAsync(agent, Fields);
        var colleague = await app.CreateMemberAsync(account, BuiltInRoles.Requester);
        using var colleagueClient = await app.SignInAsync(colleague);
        var word = "Zebra" + PorticoApp.Unique();
        var first = await CreatedIdAsync(await CreateAsync(client, account.Id, type.Id, $"Printer {word}"));
        var second = await CreatedIdAsync(await CreateAsync(client, account.Id, otherType.Id, "Scanner"));
        var third = await CreatedIdAsync(await CreateAsync(colleagueClient, account.Id, type.Id, "Shared drive"));
        using var staff = await app.SignInAsync(agent);
        await staff.StaffMoveAsync(second, RequestStatus.Closed);

        async Task AssertListsAsync(string query, params Guid[] expected)
        {
            var list = await client.Http.GetFromJsonAsync<JsonElement>(Api(account.Id, query));
            Assert.Equal(expected.Length, list.GetProperty("total").GetInt32());
            SameRequests(expected, list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        }

        await AssertListsAsync("", first, second, third);
        await AssertListsAsync("?status=Closed", second);
        await AssertListsAsync("?status=New", first, third);
        await AssertListsAsync($"?typeId={otherType.Id}", second);
        await AssertListsAsync($"?submitterId={colleague.Id}", third);
        await AssertListsAsync($"?submitterId={owner.Id}", first, second);
        await AssertListsAsync($"?q={word.ToUpperInvariant()}", first);
        await AssertListsAsync("?q=%231", first);
        await AssertListsAsync($"?status=Closed&typeId={type.Id}");
        var page = await client.Http.GetFromJsonAsync<JsonElement>(Api(account.Id));
        Assert.Equal(25, page.GetProperty("pageSize").GetInt32());
    }

    [Fact]
    public async Task One_request_and_a_reply_through_the_API()
    {
        using var s = await SetUpAsync();
        var (account, _, client, type, agent) = s;
        var id = await CreatedIdAsync(await CreateAsync(client, account.Id, type.Id, "Reply via API", new { amount = 3 }));
        using var staff = await app.SignInAsync(agent);
        await staff.StaffReplyAsync(id, "Hello from support");

        var reply = await client.Http.PostAsJsonAsync(Api(account.Id, $"/{id}/replies"), new { body = "  Thanks, that worked.  " });

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var detail = await client.Http.GetFromJsonAsync<JsonElement>(Api(account.Id, $"/{id}"));
        Assert.Equal("Reply via API", detail.GetProperty("summary").GetProperty("subject").GetString());
        Assert.Equal("3", detail.GetProperty("fields").GetProperty("amount").GetString());
        var messages = detail.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("body").GetString()!, m.GetProperty("fromStaff").GetBoolean())).ToList();
        Assert.Equal([("Hello from support", true), ("Thanks, that worked.", false)], messages);
        Assert.Contains(detail.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("text").GetString() == "Submitted");
        Assert.NotEqual(JsonValueKind.Null, detail.GetProperty("firstRespondedAt").ValueKind);

        var empty = await client.Http.PostAsJsonAsync(Api(account.Id, $"/{id}/replies"), new { body = "   " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("Write a message.", (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.Equal(2, await app.MessageCountAsync(id));

        var missing = await client.Http.GetAsync(Api(account.Id, $"/{Guid.NewGuid()}"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var replyToMissing = await client.Http.PostAsJsonAsync(Api(account.Id, $"/{Guid.NewGuid()}/replies"), new { body = "Hello?" });
        Assert.Equal(HttpStatusCode.NotFound, replyToMissing.StatusCode);
    }

    [Fact]
    public async Task Request_types_lists_active_types_with_their_fields()
    {
        using var s = await SetUpAsync();
        var (account, _, client, type, _) = s;
        var inactive = await app.CreateRequestTypeAsync();
        await app.WithDbAsync(async db =>
        {
            var t = await db.RequestTypes.SingleAsync(x => x.Id == inactive.Id);
            t.Update(t.Name, t.Description, isActive: false, t.Fields, t.AllowedRoles, t.DefaultAssigneeId, t.SlaTargets, DateTime.UtcNow);
            await db.SaveChangesAsync();
        });

        var types = await client.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/accounts/{account.Id}/request-types", UriKind.Relative));

        var listed = types.EnumerateArray().ToDictionary(t => t.GetProperty("id").GetGuid());
        Assert.False(listed.ContainsKey(inactive.Id));
        Assert.Equal(["amount", "when", "systems", "evidence"], listed[type.Id].GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("key").GetString()!));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_request_operations()
    {
        using var anonymous = app.Anonymous();

        var response = await anonymous.Http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(op => op.Value.ValueKind == JsonValueKind.Object && op.Value.TryGetProperty("operationId", out _))
                .Select(op => (Id: op.Value.GetProperty("operationId").GetString(), Method: op.Name, Path: path.Name)))
            .ToList();
        Assert.Contains(("ListRequests", "get", "/api/accounts/{accountId}/requests"), operations);
        Assert.Contains(("GetRequest", "get", "/api/accounts/{accountId}/requests/{requestId}"), operations);
        Assert.Contains(("CreateRequest", "post", "/api/accounts/{accountId}/requests"), operations);
        Assert.Contains(("ReplyToRequest", "post", "/api/accounts/{accountId}/requests/{requestId}/replies"), operations);
        Assert.Contains(("ListRequestTypes", "get", "/api/accounts/{accountId}/request-types"), operations);
        // Attachment downloads are for signed-in pages, not part of the API.
        Assert.DoesNotContain(operations, o => o.Path.Contains("/files/", StringComparison.Ordinal));
    }
}
