using MimeKit;

namespace Portico.Tests.Requests;

/// Steps the request tests share: a type with every kind of field, submitting through the
/// real form, acting on a request through the customer and staff pages, reading what was
/// stored, and reading the email the real SMTP server received.
internal static class RequestSteps
{
    /// Required: summary, colour and evidence. The others are optional.
    public static RequestField[] EveryKind() =>
    [
        new("summary", "Summary", FieldKind.Text, Required: true, []),
        new("details", "Details", FieldKind.LongText, Required: false, []),
        new("amount", "Amount", FieldKind.Number, Required: false, []),
        new("when", "When", FieldKind.Date, Required: false, []),
        new("colour", "Colour", FieldKind.Choice, Required: true, ["Red", "Green"]),
        new("systems", "Systems", FieldKind.MultiChoice, Required: false, ["Mail", "Web", "VPN"]),
        new("evidence", "Evidence", FieldKind.File, Required: true, []),
    ];

    public static KeyValuePair<string, string> Field(string name, string value) => new(name, value);

    public static readonly RequestField EvidenceField = new("evidence", "Evidence", FieldKind.File, Required: false, []);

    public sealed record FileFieldSetup(Account Account, PorticoClient Customer, PorticoClient Staff, RequestType Type) : IDisposable
    {
        public void Dispose()
        {
            Customer.Dispose();
            Staff.Dispose();
        }
    }

    /// A requester and the assigned agent, both signed in, and a type with an optional file field "evidence".
    public static async Task<FileFieldSetup> SetUpWithFileFieldAsync(this PorticoApp app)
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync([EvidenceField]);
        return new FileFieldSetup(account, await app.SignInAsync(user), await app.SignInAsync(agent), type);
    }

    public static Task<PorticoUser> CreateAgentAsync(this PorticoApp app) => app.CreateUserAsync(staffRole: StaffRole.Agent);

    /// An agent, a type of request with the fields assigned to them, and a customer of the role in a new account; nobody signed in.
    public static async Task<(PorticoUser Agent, RequestType Type, Account Account, PorticoUser User)> CreateAgentTypeAndCustomerAsync(
        this PorticoApp app, IEnumerable<RequestField>? fields = null, string role = BuiltInRoles.Requester)
    {
        var agent = await app.CreateAgentAsync();
        var type = await app.CreateAssignedTypeAsync(agent, fields);
        var (account, user) = await app.CreateCustomerAsync(role);
        return (agent, type, account, user);
    }

    /// A type without custom fields whose requests go to the given agent, so its email goes to one person only.
    public static Task<RequestType> CreateAssignedTypeAsync(this PorticoApp app, PorticoUser agent, IEnumerable<RequestField>? fields = null) =>
        app.CreateRequestTypeAsync(fields: fields, defaultAssigneeId: agent.Id);

    public static string NewPath(Guid accountId) => $"/a/{accountId}/requests/new";

    public static string CustomerPath(Guid accountId, Guid requestId) => $"/a/{accountId}/requests/{requestId}";

    public static string StaffPath(Guid requestId) => $"/staff/requests/{requestId}";

    /// Posts the new-request form as a browser does (multipart, with the antiforgery token).
    public static async Task<HttpResponseMessage> PostNewRequestAsync(this PorticoClient client, Guid accountId, Guid typeId,
        IEnumerable<KeyValuePair<string, string>> fields, IEnumerable<(string Name, string FileName, byte[] Content)>? files = null)
    {
        var page = await client.GetPageAsync(NewPath(accountId) + "?type=" + typeId);
        return await client.PostMultipartAsync(NewPath(accountId), page, [Field("type", typeId.ToString()), .. fields], files);
    }

    /// Submits a request through the form and returns its id; fails the test unless it was accepted.
    public static async Task<Guid> SubmitAsync(this PorticoClient client, Guid accountId, Guid typeId, string subject, bool shared = false,
        IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        List<KeyValuePair<string, string>> fields = [Field("subject", subject), Field("priority", "Normal")];
        if (shared)
        {
            fields.Add(Field("shared", "true"));
        }
        fields.AddRange(extra ?? []);
        var response = await client.PostNewRequestAsync(accountId, typeId, fields);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return RequestIdFrom(accountId, response);
    }

    /// The request id from the redirect to its page.
    public static Guid RequestIdFrom(Guid accountId, HttpResponseMessage response)
    {
        var location = response.Headers.Location?.OriginalString ?? throw new InvalidOperationException("The response has no Location header.");
        var prefix = $"/a/{accountId}/requests/";
        Assert.StartsWith(prefix, location, StringComparison.Ordinal);
        return Guid.Parse(location[prefix.Length..].Split('?')[0], CultureInfo.InvariantCulture);
    }

    /// Posts one of the customer request page's forms (Reply, Confirm, Reopen, Share).
    public static async Task<HttpResponseMessage> CustomerPostAsync(this PorticoClient client, Guid accountId, Guid requestId, string handler,
        IEnumerable<KeyValuePair<string, string>> fields, IEnumerable<(string Name, string FileName, byte[] Content)>? files = null)
    {
        var page = await client.GetPageAsync(CustomerPath(accountId, requestId));
        return await client.PostMultipartAsync($"{CustomerPath(accountId, requestId)}?handler={handler}", page, fields, files);
    }

    /// Posts one of the staff request page's forms (Reply, Status, Assign).
    public static async Task<HttpResponseMessage> StaffPostAsync(this PorticoClient client, Guid requestId, string handler,
        IEnumerable<KeyValuePair<string, string>> fields, IEnumerable<(string Name, string FileName, byte[] Content)>? files = null)
    {
        var page = await client.GetPageAsync(StaffPath(requestId));
        return await client.PostMultipartAsync($"{StaffPath(requestId)}?handler={handler}", page, fields, files);
    }

    public static async Task StaffMoveAsync(this PorticoClient staff, Guid requestId, RequestStatus to)
    {
        var response = await staff.StaffPostAsync(requestId, "Status", [Field("status", to.ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    public static async Task StaffReplyAsync(this PorticoClient staff, Guid requestId, string body, bool internalNote = false)
    {
        var response = await staff.StaffPostAsync(requestId, "Reply", [Field("kind", internalNote ? "note" : "reply"), Field("Body", body)]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// The text of the error the page shows after a refused action.
    public static async Task<string> ActionErrorAsync(HttpResponseMessage response)
    {
        var page = await PorticoClient.ParseAsync(response);
        return page.QuerySelector("[data-testid=action-error]")?.TextContent.Trim() ?? "";
    }

    /// Ids of the requests a list page links to (customer list or staff queue).
    public static HashSet<Guid> LinkedRequestIds(IHtmlDocument page, string rowSelector, string hrefPrefix) =>
        page.QuerySelectorAll(rowSelector)
            .SelectMany(row => row.QuerySelectorAll("a"))
            .Select(a => a.GetAttribute("href") ?? "")
            .Where(href => href.StartsWith(hrefPrefix, StringComparison.Ordinal))
            .Select(href => Guid.Parse(href[hrefPrefix.Length..], CultureInfo.InvariantCulture))
            .ToHashSet();

    /// The same requests, in any order.
    public static void SameRequests(IEnumerable<Guid> expected, IEnumerable<Guid> actual) =>
        Assert.Equal(expected.Order().ToList(), actual.Order().ToList());

    public static Task<Request> LoadRequestAsync(this PorticoApp app, Guid requestId) =>
        app.WithDbAsync((db, _) => db.Requests.AsNoTracking().SingleAsync(r => r.Id == requestId));

    public static Task<int> RequestCountAsync(this PorticoApp app, Guid accountId) =>
        app.WithDbAsync((db, _) => db.Requests.CountAsync(r => r.AccountId == accountId));

    public static Task<int> AttachmentCountAsync(this PorticoApp app, Guid accountId) =>
        app.WithDbAsync((db, _) => db.RequestAttachments.CountAsync(a => a.AccountId == accountId));

    public static Task<int> MessageCountAsync(this PorticoApp app, Guid requestId) =>
        app.WithDbAsync((db, _) => db.RequestMessages.CountAsync(m => m.RequestId == requestId));

    public static Task<int> EventCountAsync(this PorticoApp app, Guid requestId) =>
        app.WithDbAsync((db, _) => db.RequestEvents.CountAsync(e => e.RequestId == requestId));

    public static Task<List<string>> AuditActionsAsync(this PorticoApp app, Guid requestId) =>
        app.WithDbAsync((db, _) => db.AuditEvents.Where(e => e.TargetId == requestId.ToString()).OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());

    /// The customer sends a request of the type through the form; its id and the two notices it causes, the submitter's
    /// confirmation and the new request for the agent the type is assigned to.
    public static async Task<(Guid Id, MimeMessage Confirmation, MimeMessage ForAgent)> SubmitAndReadNoticesAsync(this PorticoApp app,
        (PorticoUser Agent, RequestType Type, Account Account, PorticoUser User) setup, string subject)
    {
        using var customer = await app.SignInAsync(setup.User);
        var id = await customer.SubmitAsync(setup.Account.Id, setup.Type.Id, subject);
        var confirmation = await app.WaitForMailAsync(setup.User.Email!, m => m.IsAbout(subject));
        return (id, confirmation, await app.WaitForMailAsync(setup.Agent.Email!, m => m.IsAbout(subject)));
    }

    /// Every email the SMTP server received for this address, parsed.
    public static List<MimeMessage> MailTo(this PorticoApp app, string address) =>
        app.Mail.Messages().Where(raw => raw.Contains(address, StringComparison.OrdinalIgnoreCase))
            .Select(Parse).OfType<MimeMessage>().Where(m => m.IsTo(address)).ToList();

    /// Waits for an email to this address for which the predicate holds.
    public static async Task<MimeMessage> WaitForMailAsync(this PorticoApp app, string address, Func<MimeMessage, bool> predicate)
    {
        var raw = await app.Mail.WaitForAsync(raw => raw.Contains(address, StringComparison.OrdinalIgnoreCase)
            && Parse(raw) is { } m && m.IsTo(address) && predicate(m));
        return Parse(raw)!;
    }

    /// The plain-text body, decoded.
    public static string Text(this MimeMessage message) => message.TextBody ?? "";

    /// Whether the subject names this text, as a notice about a request, document or invitation does.
    public static bool IsAbout(this MimeMessage message, string text) => (message.Subject ?? "").Contains(text, StringComparison.Ordinal);

    public static bool IsTo(this MimeMessage message, string address) =>
        message.To.Mailboxes.Any(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase));

    /// A message file may be read while the server still writes it; such a read parses to null and is retried.
    private static MimeMessage? Parse(string raw)
    {
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw));
            return MimeMessage.Load(stream);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
