namespace Portico.Tests.Requests;

/// The app with a 2 KB attachment limit, so that "too large" needs only a small file.
public sealed class SmallAttachmentsApp : PorticoApp
{
    public const int Limit = 2048;

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Requests:MaxAttachmentBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

[CollectionDefinition(Name)]
public sealed class SmallAttachmentsCollection : ICollectionFixture<SmallAttachmentsApp>
{
    public const string Name = "small-attachments";
}

[Collection(SmallAttachmentsCollection.Name)]
public sealed class AttachmentLimitTests(SmallAttachmentsApp app)
{
    private static readonly byte[] TooLarge = new byte[SmallAttachmentsApp.Limit + 1];
    private static readonly byte[] AtLimit = new byte[SmallAttachmentsApp.Limit];
    private static readonly byte[] Small = "MZ small program"u8.ToArray();
    private const string TooLargeMessage = "\"big.log\" is larger than the limit of 2 KB.";
    private const string RefusedTypeMessage = "\"setup.exe\" is a type of file that is not accepted. Accepted: ";

    private async Task<(int Requests, int Attachments)> StoredAsync(Guid accountId) =>
        (await app.RequestCountAsync(accountId), await app.AttachmentCountAsync(accountId));

    [Theory]
    [InlineData("big.log", false, TooLargeMessage)]
    [InlineData("setup.exe", true, RefusedTypeMessage)]
    public async Task A_refused_file_on_the_form_is_explained_at_its_field_and_nothing_is_saved(string fileName, bool small, string message)
    {
        using var s = await app.SetUpWithFileFieldAsync();

        var response = await s.Customer.PostNewRequestAsync(s.Account.Id, s.Type.Id, [Field("subject", "With a file")],
            [("file.evidence", fileName, small ? Small : TooLarge)]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.StartsWith(message, page.GetElementById("field-evidence-error")?.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal((0, 0), await StoredAsync(s.Account.Id));
    }

    [Fact]
    public async Task A_file_exactly_at_the_limit_is_accepted()
    {
        using var s = await app.SetUpWithFileFieldAsync();

        var response = await s.Customer.PostNewRequestAsync(s.Account.Id, s.Type.Id, [Field("subject", "At the limit")], [("file.evidence", "big.log", AtLimit)]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal((1, 1), await StoredAsync(s.Account.Id));
    }

    [Theory]
    [InlineData("big.log", false, TooLargeMessage)]
    [InlineData("setup.exe", true, RefusedTypeMessage)]
    public async Task A_refused_file_on_a_reply_saves_neither_the_reply_nor_the_file(string fileName, bool small, string message)
    {
        using var s = await app.SetUpWithFileFieldAsync();
        var id = await s.Customer.SubmitAsync(s.Account.Id, s.Type.Id, "Reply with a file");
        var version = (await app.LoadRequestAsync(id)).Version;
        var content = small ? Small : TooLarge;

        var customer = await s.Customer.CustomerPostAsync(s.Account.Id, id, "Reply", [Field("Body", "Here is the file")], [("files", fileName, content)]);
        var staff = await s.Staff.StaffPostAsync(id, "Reply", [Field("kind", "reply"), Field("Body", "Here is ours")], [("files", fileName, content)]);
        var note = await s.Staff.StaffPostAsync(id, "Reply", [Field("kind", "note"), Field("Body", "Internal file")], [("files", fileName, content)]);
        var api = await s.Customer.Http.PostAsJsonAsync(new Uri($"/api/accounts/{s.Account.Id}/requests/{id}/replies", UriKind.Relative),
            new { body = "Via the API", files = new[] { new { fileName, contentBase64 = Convert.ToBase64String(content) } } });

        foreach (var response in new[] { customer, staff, note })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.StartsWith(message, await ActionErrorAsync(response), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.StartsWith(message, (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("files")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.MessageCountAsync(id));
        Assert.Equal((1, 0), await StoredAsync(s.Account.Id));
        Assert.Equal(version, (await app.LoadRequestAsync(id)).Version);
    }

    [Fact]
    public async Task A_refused_file_through_the_API_create_is_a_validation_problem_and_nothing_is_saved()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var agent = await app.CreateAgentAsync();
        var type = await app.CreateAssignedTypeAsync(agent, [EvidenceField]);
        using var client = await app.SignInAsync(user);

        var response = await client.Http.PostAsJsonAsync(new Uri($"/api/accounts/{account.Id}/requests", UriKind.Relative), new
        {
            typeId = type.Id,
            subject = "Large file",
            files = new[] { new { fieldKey = "evidence", fileName = "big.log", contentBase64 = Convert.ToBase64String(TooLarge) } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(TooLargeMessage, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("files")[0].GetString());
        Assert.Equal((0, 0), await StoredAsync(account.Id));
    }

    [Fact]
    public async Task The_form_states_the_configured_limit()
    {
        using var s = await app.SetUpWithFileFieldAsync();

        var page = await s.Customer.GetPageAsync($"{NewPath(s.Account.Id)}?type={s.Type.Id}");

        Assert.Equal("Up to 5 files, 2 KB each.", page.GetElementById("field-evidence-hint")?.TextContent.Trim());
    }

    [Fact]
    public async Task The_reply_form_hands_the_configured_limit_and_types_to_the_browser_for_checks_before_sending()
    {
        using var s = await app.SetUpWithFileFieldAsync();
        var id = await s.Customer.SubmitAsync(s.Account.Id, s.Type.Id, "Reply with files");

        var page = await s.Customer.GetPageAsync(CustomerPath(s.Account.Id, id));

        var allowed = app.Services.GetRequiredService<IOptions<RequestOptions>>().Value.AllowedExtensions;
        UploadFieldChecks.AssertLimits(page.QuerySelector("form[action*='handler=Reply'] [data-upload-field]"), SmallAttachmentsApp.Limit, "2 KB", 5, allowed, "files");
        Assert.Equal("Up to 5 files, 2 KB each.", page.GetElementById("files-hint")?.TextContent.Trim());
    }
}
