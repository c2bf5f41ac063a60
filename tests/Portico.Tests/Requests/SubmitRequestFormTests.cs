namespace Portico.Tests.Requests;

public sealed class SubmitRequestFormTests(PorticoApp app) : AppTests
{
    /// A PNG signature and some bytes: enough for the type check, and they must come back unchanged.
    private static readonly byte[] Screenshot = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Encoding.UTF8.GetBytes("the rest of the screenshot")];

    /// A submission that passes validation; each invalid case replaces one of its fields.
    private static List<KeyValuePair<string, string>> ValidFields() =>
    [
        Field("subject", "The printer is on fire"),
        Field("priority", "Normal"),
        Field("f.summary", "Smoke from tray 2"),
        Field("f.colour", "Red"),
    ];

    private static (string, string, byte[]) Evidence(string fileName = "screenshot.png") => ("file.evidence", fileName, Screenshot);

    public static readonly TheoryData<string, string[], string, string> InvalidValues = new()
    {
        { "subject", [new string('s', 201)], "subject-error", "The subject can be at most 200 characters." },
        { "priority", ["Critical"], "priority-error", "Choose a priority: Low, Normal, High or Urgent." },
        { "f.summary", [new string('t', 501)], "field-summary-error", "\"Summary\" takes one line of at most 500 characters." },
        { "f.summary", ["first line\nsecond line"], "field-summary-error", "\"Summary\" takes one line of at most 500 characters." },
        { "f.details", [new string('d', RequestLimits.Body + 1)], "field-details-error", $"\"Details\" can be at most {RequestLimits.Body.ToString("N0", CultureInfo.CurrentCulture)} characters." },
        { "f.amount", ["twelve"], "field-amount-error", "\"Amount\" must be a number, such as 12 or 3.5." },
        { "f.when", ["01/05/2024"], "field-when-error", "\"When\" must be a date (YYYY-MM-DD)." },
        { "f.when", ["2024-02-30"], "field-when-error", "\"When\" must be a date (YYYY-MM-DD)." },
        { "f.colour", ["Purple"], "field-colour-error", "\"Colour\" must be one of: Red, Green." },
        { "f.colour", ["Red", "Green"], "field-colour-error", "\"Colour\" takes one value." },
        { "f.systems", ["Mail", "Fax"], "field-systems-error", "\"Systems\" can only contain: Mail, Web, VPN." },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public async Task An_invalid_value_is_refused_with_422_and_a_message_at_that_field_and_nothing_is_saved(
        string name, string[] values, string errorId, string message)
    {
        var (_, type, account, user) = await app.CreateAgentTypeAndCustomerAsync(EveryKind());
        using var client = await app.SignInAsync(user);
        var fields = ValidFields().Where(f => f.Key != name).Concat(values.Select(v => Field(name, v))).ToList();

        var response = await client.PostNewRequestAsync(account.Id, type.Id, fields, [Evidence()]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Equal(message, page.GetElementById(errorId)?.TextContent.Trim());
        Assert.Equal([message], page.QuerySelectorAll("[data-testid=form-errors] li").Select(li => li.TextContent.Trim()));
        var otherErrors = page.QuerySelectorAll(".field-error").Where(e => e.Id != errorId).Select(e => e.TextContent.Trim());
        Assert.All(otherErrors, e => Assert.Equal("", e));
        Assert.Equal(0, await app.RequestCountAsync(account.Id));
        Assert.Equal(0, await app.AttachmentCountAsync(account.Id));
    }

    [Fact]
    public async Task Missing_required_fields_are_each_named_and_nothing_is_saved()
    {
        var (_, type, account, user) = await app.CreateAgentTypeAndCustomerAsync(EveryKind());
        using var client = await app.SignInAsync(user);

        var response = await client.PostNewRequestAsync(account.Id, type.Id,
            [Field("subject", "   "), Field("priority", "Normal"), Field("f.summary", "  "), Field("f.colour", "")]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Equal("Enter a subject.", page.GetElementById("subject-error")?.TextContent.Trim());
        Assert.Equal("Fill in \"Summary\".", page.GetElementById("field-summary-error")?.TextContent.Trim());
        Assert.Equal("Choose an option for \"Colour\".", page.GetElementById("field-colour-error")?.TextContent.Trim());
        Assert.Equal("Attach a file for \"Evidence\".", page.GetElementById("field-evidence-error")?.TextContent.Trim());
        Assert.Equal("", page.GetElementById("field-details-error")?.TextContent.Trim());
        Assert.Equal(4, page.QuerySelectorAll("[data-testid=form-errors] li").Length);
        Assert.Equal(0, await app.RequestCountAsync(account.Id));
    }

    [Fact]
    public async Task A_valid_submission_is_stored_numbered_per_account_and_its_file_can_be_downloaded()
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync(EveryKind());
        using var client = await app.SignInAsync(user);
        List<KeyValuePair<string, string>> fields =
        [
            Field("subject", "Printer on fire"), Field("priority", "High"), Field("shared", "true"),
            Field("f.summary", "  Smoke from tray 2  "), Field("f.details", "Line one\nLine two"), Field("f.amount", "1,234.50"),
            Field("f.when", "2024-05-01"), Field("f.colour", "Green"), Field("f.systems", "Mail"), Field("f.systems", "VPN"), Field("f.systems", "Mail"),
        ];

        var response = await client.PostNewRequestAsync(account.Id, type.Id, fields, [Evidence()]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var id = RequestIdFrom(account.Id, response);
        Assert.Equal($"{CustomerPath(account.Id, id)}?submitted=true", response.Headers.Location!.OriginalString);
        var stored = await app.LoadRequestAsync(id);
        Assert.Equal(account.Id, stored.AccountId);
        Assert.Equal(1, stored.Number);
        Assert.Equal("Printer on fire", stored.Subject);
        Assert.Equal(RequestPriority.High, stored.Priority);
        Assert.True(stored.SharedWithAccount);
        Assert.Equal(RequestStatus.New, stored.Status);
        Assert.Equal(user.Id, stored.SubmitterId);
        Assert.Equal(agent.Id, stored.AssigneeId);
        Assert.Equal(new Dictionary<string, string>
        {
            ["summary"] = "Smoke from tray 2",
            ["details"] = "Line one\nLine two",
            ["amount"] = "1234.50",
            ["when"] = "2024-05-01",
            ["colour"] = "Green",
            ["systems"] = "Mail\nVPN",
        }, stored.FieldValues);
        var attachment = await app.WithDbAsync((db, _) => db.RequestAttachments.AsNoTracking().SingleAsync(a => a.RequestId == id));
        Assert.Equal(("evidence", "screenshot.png", (Guid?)null), (attachment.FieldKey, attachment.FileName, attachment.MessageId));

        var page = await client.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("Your request was submitted", page.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("#1 Printer on fire", page.QuerySelector("h1")!.TextContent.Trim());
        var details = page.QuerySelectorAll("dd.body").Select(dd => dd.TextContent.Trim()).ToList();
        Assert.Contains("Mail, VPN", details);
        Assert.Contains("1234.50", details);
        var link = page.QuerySelectorAll("a").Single(a => a.TextContent == "screenshot.png").GetAttribute("href")!;
        Assert.Equal($"{CustomerPath(account.Id, id)}/files/{attachment.Id}", link);
        var file = await client.Http.GetAsync(new Uri(link, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Screenshot, await file.Content.ReadAsByteArrayAsync());

        var second = await client.PostNewRequestAsync(account.Id, type.Id, ValidFields(), [Evidence("second.png")]);
        Assert.Equal(2, (await app.LoadRequestAsync(RequestIdFrom(account.Id, second))).Number);

        // Numbers count per account: another account starts again at 1.
        var (otherAccount, otherUser, otherClient) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var first = await otherClient.PostNewRequestAsync(otherAccount.Id, type.Id, ValidFields(), [Evidence()]);
        Assert.Equal(1, (await app.LoadRequestAsync(RequestIdFrom(otherAccount.Id, first))).Number);
    }

    [Fact]
    public async Task Two_submissions_at_the_same_time_to_one_account_get_different_numbers()
    {
        var agent = await app.CreateAgentAsync();
        var type = await app.CreateAssignedTypeAsync(agent);
        var account = await app.CreateAccountAsync();
        var first = await app.CreateMemberAsync(account, BuiltInRoles.Requester);
        var second = await app.CreateMemberAsync(account, BuiltInRoles.Requester);
        using var one = await app.SignInAsync(first);
        using var two = await app.SignInAsync(second);
        var ids = new List<Guid>();

        for (var round = 0; round < 3; round++)
        {
            // Load both forms first so that the two posts leave together.
            var pageOne = await one.GetPageAsync(NewPath(account.Id) + "?type=" + type.Id);
            var pageTwo = await two.GetPageAsync(NewPath(account.Id) + "?type=" + type.Id);
            List<KeyValuePair<string, string>> Form(string who) => [Field("type", type.Id.ToString()), Field("subject", $"Round {round} from {who}")];
            var responses = await Task.WhenAll(
                one.PostMultipartAsync(NewPath(account.Id), pageOne, Form("one")),
                two.PostMultipartAsync(NewPath(account.Id), pageTwo, Form("two")));
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
            ids.AddRange(responses.Select(r => RequestIdFrom(account.Id, r)));
        }

        var numbers = await app.WithDbAsync((db, _) => db.Requests.Where(r => r.AccountId == account.Id).Select(r => r.Number).ToListAsync());
        Assert.Equal([1, 2, 3, 4, 5, 6], numbers.Order());
        Assert.Equal(6, ids.Distinct().Count());
    }
}
