using System.Collections;
using Xunit.Abstractions;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing.Patterns;
using Portico.Tests.SingleSignOn;

namespace Portico.Tests.Tenancy;

/// Attacks every state-changing page handler and API endpoint, found from the app's own endpoints,
/// as a member of account A who holds the permission: each value the handler binds, in the form and in the
/// query (and the JSON body and URL for the API), is set in turn to an object of account B, and ids of B's
/// objects are added as extra fields. Account B must not change, no mail may be queued for B's people, and
/// a bound value naming B's object must answer 404 and change nothing at all. A's read-only Viewer is refused
/// every account handler and changes nothing. Staff Agents and Finance
/// posting to every staff handler change nothing unless the handler is theirs to use.
public sealed class BoundValueAttackTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly PorticoApp _app = new();

    /// Handlers that act across accounts by design, each with the reason; everything else is attacked.
    private static readonly Dictionary<string, string> CrossAccountByDesign = new()
    {
        ["api/integration"] = "A system of record's key pushes records for every account; it is scoped to its integration, not to an account.",
        ["error"] = "The error page only renders an error.",
    };

    /// Routes a signed-in person cannot use at all, because something else authenticates them; a member's session sent there
    /// must be refused with 401 and change nothing. Their own isolation is walked by the test named.
    private static readonly Dictionary<string, string> AuthenticatedByToken = new()
    {
        ["scim/"] = "A provider's SCIM token, scoped to its accounts; ScimIsolationTests tries every bound value with another provider's.",
    };

    /// What staff Agents and Finance may change, by route and handler; every other staff handler must refuse them.
    private static readonly HashSet<(string Route, string Handler, StaffRole Role)> StaffMayUse =
    [
        ("staff/requests/{requestId:guid}", "Reply", StaffRole.Agent),
        ("staff/requests/{requestId:guid}", "Status", StaffRole.Agent),
        ("staff/requests/{requestId:guid}", "Assign", StaffRole.Agent),
        ("staff/requests", "Bulk", StaffRole.Agent),
        ("staff/accounts/{id:guid}/documents", "Folder", StaffRole.Agent),
        ("staff/accounts/{id:guid}/documents", "Access", StaffRole.Agent),
        ("staff/accounts/{id:guid}/documents", "Upload", StaffRole.Agent),
        ("staff/accounts/{id:guid}/documents", "Request", StaffRole.Agent),
        ("staff/documents/{documentId:guid}", "Acknowledgement", StaffRole.Agent),
        ("staff/documents/{documentId:guid}", "Delete", StaffRole.Agent),
        ("staff/accounts/{id:guid}/view-as", "", StaffRole.Agent),
        ("staff/audit", "Verify", StaffRole.Agent),
        ("staff/help", "Category", StaffRole.Agent),
        ("staff/help/edit/{articleId:guid?}", "", StaffRole.Agent),
        ("staff/help/edit/{articleId:guid?}", "Publish", StaffRole.Agent),
        ("staff/audit", "Verify", StaffRole.Finance),
    ];

    /// Names a handler may bind that hold no account's object: shared by all accounts, or the person's own choice.
    private static readonly HashSet<string> SharedIds = new(StringComparer.OrdinalIgnoreCase) { "roleId", "typeId", "type" };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private sealed record World(Account Account, PorticoUser Owner, PorticoUser Colleague, Membership ColleagueMembership, Invitation Invitation,
        Request Request, Guid MessageId, Guid AttachmentId, DocumentFolder Folder, Document Document, DocumentVersion Version, DocumentRequest DocumentRequest,
        ChangeRequest Change, Guid InvoiceId, Guid OrderId, RequestType Type, Guid ViewerRoleId)
    {
        public IEnumerable<string> Emails => [Owner.Email!, Colleague.Email!, Invitation.Email];
        public IEnumerable<Guid> UserIds => [Owner.Id, Colleague.Id];
    }

    private async Task<World> CreateWorldAsync(RequestType type, Integration integration)
    {
        var (account, owner) = await _app.CreateCustomerAsync(BuiltInRoles.Owner);
        var colleague = await _app.CreateUserAsync();
        var membership = await _app.AddMemberAsync(account, colleague, BuiltInRoles.Viewer);
        var request = await _app.CreateRequestAsync(account, owner, type, shared: true);
        var folder = await _app.CreateFolderAsync(account);
        var (document, version) = await _app.CreateDocumentAsync(folder, owner, "Contract.txt", Encoding.UTF8.GetBytes("contract of " + account.Name));
        var invoice = await _app.CreateInvoiceAsync(account, integration);
        var order = await _app.CreateOrderAsync(account, integration);
        return await _app.WithDbAsync(async (db, _) =>
        {
            var now = DateTime.UtcNow;
            var viewer = await db.Roles.SingleAsync(r => r.Name == BuiltInRoles.Viewer);
            var requester = await db.Roles.SingleAsync(r => r.Name == BuiltInRoles.Requester);
            var (invitation, _) = Invitation.Create(account.Id, $"invited-{PorticoApp.Unique()}@example.com", viewer.Id, null, "Test", now);
            db.Invitations.Add(invitation);
            var tracked = await db.Requests.SingleAsync(r => r.Id == request.Id);
            var message = new RequestMessage(tracked, owner.Id, owner.DisplayName, fromStaff: false, isInternal: false, "A reply", now);
            db.RequestMessages.Add(message);
            var documentRequest = new DocumentRequest(account.Id, folder.Id, "Signed contract", "Please send it", DateOnly.FromDateTime(now).AddDays(7), "Staff", now);
            db.DocumentRequests.Add(documentRequest);
            var change = new ChangeRequest(account.Id, ChangeKinds.RoleGrant, "membership:" + membership.Id,
                $"Make {colleague.DisplayName} a Requester", new RoleChangePayload(membership.Id, requester.Id, requester.Name, viewer.Name, colleague.DisplayName, colleague.Email!),
                ApproverKind.AccountOwner, owner.Id, owner.DisplayName, now);
            db.ChangeRequests.Add(change);
            await db.SaveChangesAsync();
            var attachmentId = await db.RequestAttachments.Where(a => a.RequestId == request.Id).Select(a => a.Id).FirstAsync();
            return new World(account, owner, colleague, membership, invitation, request, message.Id, attachmentId, folder, document, version,
                documentRequest, change, invoice.Id, order.Id, type, viewer.Id);
        });
    }

    /// Values that make each handler act on A's own objects, by the name the handler binds.
    private static Dictionary<string, string> ValidValues(World a) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["membershipId"] = a.ColleagueMembership.Id.ToString(), ["invitationId"] = a.Invitation.Id.ToString(), ["requestId"] = a.Request.Id.ToString(),
        ["changeId"] = a.Change.Id.ToString(), ["documentId"] = a.Document.Id.ToString(), ["versionId"] = a.Version.Id.ToString(),
        ["folderId"] = a.Folder.Id.ToString(), ["messageId"] = a.MessageId.ToString(), ["attachmentId"] = a.AttachmentId.ToString(),
        ["invoiceId"] = a.InvoiceId.ToString(), ["orderId"] = a.OrderId.ToString(), ["userId"] = a.Colleague.Id.ToString(),
        ["typeId"] = a.Type.Id.ToString(), ["type"] = a.Type.Id.ToString(), ["roleId"] = a.ViewerRoleId.ToString(),
        ["email"] = $"new-{PorticoApp.Unique()}@example.com", ["reason"] = "Checked with the customer", ["body"] = "Thank you", ["Body"] = "Thank you",
        ["subject"] = "Printer broken", ["priority"] = "Normal", ["shared"] = "true", ["required"] = "true", ["name"] = "Contract.txt",
        ["accessUntil"] = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["title"] = "Send the contract", ["description"] = "Signed, please", ["dueOn"] = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["status"] = "InProgress", ["kind"] = "public", ["Form.Lines"] = "1 Main Street", ["Form.City"] = "Lyon", ["Form.PostalCode"] = "69002", ["Form.Country"] = "France",
    };

    /// B's objects that a bound value of this name could point at.
    private static IReadOnlyList<string>? TargetsInB(string name, World b, string bSession) => name.ToLowerInvariant() switch
    {
        "accountid" => [b.Account.Id.ToString()],
        "id" => [b.Account.Id.ToString(), bSession],
        "membershipid" => [b.ColleagueMembership.Id.ToString()],
        "invitationid" => [b.Invitation.Id.ToString()],
        "requestid" => [b.Request.Id.ToString(), b.DocumentRequest.Id.ToString()],
        "changeid" => [b.Change.Id.ToString()],
        "documentid" => [b.Document.Id.ToString()],
        "versionid" => [b.Version.Id.ToString()],
        "folderid" => [b.Folder.Id.ToString()],
        "messageid" => [b.MessageId.ToString()],
        "attachmentid" => [b.AttachmentId.ToString()],
        "invoiceid" => [b.InvoiceId.ToString()],
        "orderid" => [b.OrderId.ToString()],
        "userid" => [b.Owner.Id.ToString()],
        "sessionid" => [bSession],
        _ => null,
    };

    private static readonly string[] EntityIdNames =
        ["accountId", "id", "membershipId", "invitationId", "requestId", "changeId", "documentId", "versionId", "folderId", "messageId", "attachmentId",
         "invoiceId", "orderId", "userId", "sessionId"];

    private sealed record Target(string Route, string Handler, string Method, bool IsPage, bool TakesFile, IReadOnlyList<string> BoundIds,
        IReadOnlyList<string> RouteIds, Type? JsonBody, bool StreamBody, string? Policy);

    [Fact]
    public async Task No_bound_value_reaches_another_account_and_staff_without_the_role_change_nothing()
    {
        var type = await _app.CreateRequestTypeAsync();
        var integration = await _app.CreateIntegrationAsync();
        var b = await CreateWorldAsync(type, integration);
        using var bClient = await _app.SignInAsync(b.Owner);
        var bSession = await _app.WithDbAsync((db, _) => db.UserSessions.Where(s => s.UserId == b.Owner.Id).Select(s => s.Id).FirstAsync());
        var targets = await TargetsAsync();
        // The discovery must work, or the test would pass by attacking nothing.
        Assert.Contains(targets, t => t.Route == "a/{accountId:guid}/contacts" && t.Handler == "Invite");
        Assert.Contains(targets, t => t.Route == "api/accounts/{accountId:guid}/requests" && t.Method == "POST");
        Assert.Contains(targets, t => t.Route == "staff/accounts/{id:guid}" && t.Handler == "Remove");
        Assert.Contains(targets, t => t.Route == "scim/v2/{providerId:guid}/Groups/{id}" && t.Method == "PATCH");

        var failures = new List<string>();
        var attempts = 0;
        // One attack: it answers one of the statuses refusals may have, and changes nothing anywhere.
        async Task AttackAsync(string what, Func<Task<HttpResponseMessage>> send, params HttpStatusCode[] refusals)
        {
            var before = await SnapshotAsync();
            var response = await send();
            attempts++;
            if (!refusals.Contains(response.StatusCode))
            {
                failures.Add($"{what} answered {(int)response.StatusCode}, not {(int)refusals[0]}");
            }
            Compare(before, await SnapshotAsync(), what, failures);
        }
        foreach (var target in targets.Where(t => !t.Route.StartsWith("staff", StringComparison.Ordinal)))
        {
            if (CrossAccountByDesign.Keys.Any(k => target.Route.StartsWith(k, StringComparison.Ordinal)))
            {
                continue;
            }
            var a = await CreateWorldAsync(type, integration);
            using var client = await _app.SignInAsync(a.Owner);
            var token = PorticoClient.Token(await client.GetPageAsync("/account/profile"));
            var valid = ValidValues(a);
            if (AuthenticatedByToken.Keys.Any(k => target.Route.StartsWith(k, StringComparison.Ordinal)))
            {
                // A real provider with a token in the URL, so the refusal is for the missing token and not an unknown provider.
                var provider = (await _app.AddScimProviderAsync()).Saved.Id;
                await AttackAsync($"{target.Method} {target.Route}: A's Owner with their session and no token",
                    () => SendAsync(client, token, target, new Dictionary<string, string>(valid) { ["providerId"] = provider.ToString(), ["id"] = a.Owner.Id.ToString() },
                        valid, "query", null, extras: null), HttpStatusCode.Unauthorized);
                continue;
            }
            if (target.Route == "a/{accountId:guid}/documents")
            {
                // There the request is a document request, the one the upload fulfils.
                valid["requestId"] = a.DocumentRequest.Id.ToString();
            }
            var routeValues = new Dictionary<string, string>(valid) { ["accountId"] = a.Account.Id.ToString() };
            var bBefore = await SnapshotOfAsync(b);
            var label = $"{target.Method} {target.Route} {target.Handler}".TrimEnd();

            var extras = EntityIdNames.Where(n => !target.BoundIds.Contains(n, StringComparer.OrdinalIgnoreCase))
                .Select(n => (n, TargetsInB(n, b, bSession)![0])).ToList();

            // 1. Each bound value, in every channel it can come from, set to each of B's objects of that kind, with B's ids
            // under every other entity id name too (the account's among them), as an attacker would send them together.
            foreach (var name in target.BoundIds)
            {
                var inB = TargetsInB(name, b, bSession);
                if (inB is null)
                {
                    failures.Add($"{label}: binds '{name}', which this test cannot point at account B: add it to TargetsInB");
                    continue;
                }
                foreach (var bValue in inB)
                {
                    foreach (var channel in target.IsPage ? new[] { "form", "query" } : ["query", "json"])
                    {
                        if (channel == "json" && target.JsonBody is null)
                        {
                            continue;
                        }
                        await AttackAsync($"{label}: '{name}'={Describe(bValue, b)} in the {channel}",
                            () => SendAsync(client, token, target, routeValues, valid, channel, (name, bValue), extras), HttpStatusCode.NotFound);
                    }
                }
            }

            // 2. Each route value set to B's object in the URL.
            foreach (var name in target.RouteIds.Where(n => n != "accountId"))
            {
                foreach (var bValue in TargetsInB(name, b, bSession) ?? [])
                {
                    await AttackAsync($"{label}: {{{name}}}={Describe(bValue, b)} in the URL",
                        () => SendAsync(client, token, target, new Dictionary<string, string>(routeValues) { [name] = bValue }, valid, "form", null, extras: null), HttpStatusCode.NotFound);
                }
            }

            // 3. Valid values for A plus B's ids under every entity id name the handler does not bind, in form, query and body at once.
            var extraResponse = await SendAsync(client, token, target, routeValues, valid, "form", null, extras);
            attempts++;
            if ((int)extraResponse.StatusCode >= 500)
            {
                failures.Add($"{label}: extra id fields answered {(int)extraResponse.StatusCode}");
            }

            Compare(bBefore, await SnapshotOfAsync(b), $"{label}: account B after the attacks", failures);

            // 4. A member of A whose role is read-only (Viewer) sends the same valid values: refused, nothing changes.
            if (target.Route.StartsWith("a/", StringComparison.Ordinal) || target.Route.StartsWith("api/accounts/", StringComparison.Ordinal))
            {
                using var viewer = await _app.SignInAsync(a.Colleague);
                var viewerToken = PorticoClient.Token(await viewer.GetPageAsync("/account/profile"));
                await AttackAsync($"{label}: a Viewer of the account",
                    () => SendAsync(viewer, viewerToken, target, routeValues, valid, "form", null, extras: null), HttpStatusCode.Forbidden, HttpStatusCode.NotFound);
            }
        }

        // Staff Agents and Finance against every staff handler that is not theirs.
        var a0 = await CreateWorldAsync(type, integration);
        var staffValues = ValidValues(a0);
        staffValues["id"] = a0.Account.Id.ToString();
        staffValues["managerId"] = a0.Owner.Id.ToString();
        staffValues["selected"] = a0.Request.Id.ToString();
        await AddStaffObjectsAsync(staffValues, integration);
        foreach (var role in new[] { StaffRole.Agent, StaffRole.Finance })
        {
            using var staff = await _app.SignInAsync(await _app.CreateUserAsync(staffRole: role));
            var token = PorticoClient.Token(await staff.GetPageAsync("/account/profile"));
            foreach (var target in targets.Where(t => t.Route.StartsWith("staff", StringComparison.Ordinal) && !StaffMayUse.Contains((t.Route, t.Handler, role))))
            {
                await AttackAsync($"{role}: {target.Route} {target.Handler}",
                    () => SendAsync(staff, token, target, staffValues, staffValues, "form", null, extras: null), HttpStatusCode.Forbidden, HttpStatusCode.NotFound);
            }
        }

        output.WriteLine($"{targets.Count} handlers and endpoints found, {attempts} attacks sent, {failures.Count} got through.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {attempts} attacks got through:\n" + string.Join('\n', failures));
        // B's owner is still signed in and B is as it was.
        Assert.Equal(HttpStatusCode.OK, (await bClient.Http.GetAsync(new Uri($"/a/{b.Account.Id}/contacts", UriKind.Relative))).StatusCode);
    }

    private async Task AddStaffObjectsAsync(Dictionary<string, string> values, Integration integration)
    {
        await _app.WithDbAsync(async (db, services) =>
        {
            var now = DateTime.UtcNow;
            var endpoint = new WebhookEndpoint("https://receiver.example/hook", "Receiver", ["request.created"], "secret", now);
            db.WebhookEndpoints.Add(endpoint);
            var delivery = new WebhookDelivery(Guid.NewGuid(), endpoint.Id, "request.created", "{}", now);
            db.WebhookDeliveries.Add(delivery);
            var (key, _) = IntegrationKey.Create(integration.Id, "Key", now);
            db.IntegrationKeys.Add(key);
            var incident = new DataQualityIncident(integration.Id, "invoices", "EXT-1", "Unknown account", now);
            db.DataQualityIncidents.Add(incident);
            await db.SaveChangesAsync();
            values["endpointId"] = endpoint.Id.ToString();
            values["deliveryId"] = delivery.Id.ToString();
            values["keyId"] = key.Id.ToString();
            values["integrationId"] = integration.Id.ToString();
            values["incidentId"] = incident.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            values["ruleId"] = (await db.ApprovalRules.Select(r => r.Id).FirstAsync()).ToString();
            values["objectType"] = "invoices";
            return 0;
        });
    }

    private static string Describe(string value, World b) =>
        value == b.Account.Id.ToString() ? "B's account" : value.Length > 12 ? "B's " + value[..8] : value;

    private static Task<HttpResponseMessage> SendAsync(PorticoClient client, string token, Target target, Dictionary<string, string> routeValues,
        Dictionary<string, string> valid, string channel, (string Name, string Value)? attack, List<(string Name, string Value)>? extras)
    {
        var path = "/" + string.Join('/', target.Route.Split('/').Select(segment =>
        {
            if (!segment.StartsWith('{'))
            {
                return segment;
            }
            var name = segment.Trim('{', '}').Split(':', '?', '=')[0];
            return routeValues.TryGetValue(name, out var v) ? v : segment.Contains('?', StringComparison.Ordinal) ? "" : Guid.Empty.ToString();
        }).Where(s => s.Length > 0));
        var query = new List<KeyValuePair<string, string>>();
        if (target.Handler.Length > 0)
        {
            query.Add(new("handler", target.Handler));
        }
        var fields = valid.Where(kv => !(attack is { } x && channel != "form" && string.Equals(kv.Key, x.Name, StringComparison.OrdinalIgnoreCase)))
            .Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value)).ToList();
        if (attack is { } at)
        {
            fields.RemoveAll(f => string.Equals(f.Key, at.Name, StringComparison.OrdinalIgnoreCase));
            (channel == "query" ? query : fields).Add(new(at.Name, at.Value));
        }
        foreach (var (name, value) in extras ?? [])
        {
            fields.Add(new(name, value));
            query.Add(new(name, value));
        }
        var url = path + (query.Count == 0 ? "" : "?" + string.Join('&', query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}")));
        var message = new HttpRequestMessage(new HttpMethod(target.Method), new Uri(url, UriKind.Relative));
        if (target.IsPage)
        {
            fields.Add(new("__RequestVerificationToken", token));
            if (target.TakesFile)
            {
                var multipart = new MultipartFormDataContent();
                foreach (var (k, v) in fields)
                {
                    multipart.Add(new StringContent(v), k);
                }
                multipart.Add(new ByteArrayContent("attack file"u8.ToArray()), "file", "Contract.txt");
                message.Content = multipart;
            }
            else
            {
                message.Content = new FormUrlEncodedContent(fields);
            }
        }
        else if (target.StreamBody)
        {
            message.Content = new ByteArrayContent("attack file"u8.ToArray());
            message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        }
        else if (target.JsonBody is { } bodyType)
        {
            var json = new Dictionary<string, object?>();
            foreach (var property in bodyType.GetProperties())
            {
                var jsonName = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
                if (fields.FirstOrDefault(f => string.Equals(f.Key, property.Name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } field)
                {
                    json[jsonName] = property.PropertyType == typeof(bool) ? bool.Parse(field.Value) : field.Value;
                }
            }
            foreach (var (k, v) in fields.Where(f => EntityIdNames.Contains(f.Key) && !json.ContainsKey(f.Key)))
            {
                json[k] = v;
            }
            message.Content = JsonContent.Create(json);
        }
        return client.Http.SendAsync(message);
    }

    private async Task<List<Target>> TargetsAsync()
    {
        var loader = _app.Services.GetRequiredService<PageLoader>();
        var isService = _app.Services.GetRequiredService<IServiceProviderIsService>();
        var endpoints = _app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>();
        var found = new List<Target>();
        foreach (var endpoint in endpoints)
        {
            var route = endpoint.RoutePattern.RawText!.Trim('/');
            var routeIds = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            var policy = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()?.Policy;
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } descriptor)
            {
                var compiled = await loader.LoadAsync(descriptor, endpoint.Metadata);
                var properties = compiled.BoundProperties.SelectMany(p => Leaves(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType)).ToList();
                foreach (var handler in compiled.HandlerMethods.Where(h => string.Equals(h.HttpMethod, "Post", StringComparison.OrdinalIgnoreCase)))
                {
                    var parameters = handler.Parameters.SelectMany(p => Leaves(p.BindingInfo?.BinderModelName ?? p.Name, p.ParameterType)).ToList();
                    var all = parameters.Concat(properties).ToList();
                    found.Add(new Target(route, handler.Name ?? "", "POST", IsPage: true,
                        TakesFile: all.Any(p => p.Type == typeof(IFormFile)) || route.EndsWith("requests/{requestId:guid}", StringComparison.Ordinal),
                        all.Where(p => IsIdShaped(p.Name, p.Type) && !routeIds.Contains(p.Name, StringComparer.OrdinalIgnoreCase)).Select(p => p.Name).Distinct().ToList(),
                        routeIds, null, false, policy));
                }
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            if (endpoint.Metadata.GetMetadata<MethodInfo>() is not { } method)
            {
                continue;
            }
            foreach (var verb in methods.Where(m => m is "POST" or "PUT" or "PATCH" or "DELETE"))
            {
                var bound = new List<string>();
                Type? body = null;
                foreach (var p in method.GetParameters())
                {
                    var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
                    if (routeIds.Contains(p.Name!, StringComparer.OrdinalIgnoreCase) || type == typeof(CancellationToken) || type == typeof(HttpContext)
                        || type == typeof(HttpRequest) || isService.IsService(p.ParameterType))
                    {
                        continue;
                    }
                    if (type.IsClass && type != typeof(string))
                    {
                        body = type;
                        bound.AddRange(type.GetProperties().Where(q => IsIdShaped(q.Name, q.PropertyType)).Select(q => char.ToLowerInvariant(q.Name[0]) + q.Name[1..]));
                    }
                    else if (IsIdShaped(p.Name!, p.ParameterType))
                    {
                        bound.Add(p.Name!);
                    }
                }
                var streams = endpoint.Metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>().Any(m => m.ContentTypes.Contains("application/octet-stream"));
                found.Add(new Target(route, "", verb, IsPage: false, TakesFile: false, bound.Where(n => !SharedIds.Contains(n)).ToList(), routeIds, body, streams, policy));
            }
        }
        return found.Select(t => t with { BoundIds = t.BoundIds.Where(n => !SharedIds.Contains(n)).ToList() })
            .OrderBy(t => t.Route, StringComparer.Ordinal).ThenBy(t => t.Handler, StringComparer.Ordinal).ToList();
    }

    /// A bound value and, for a form model, each of its properties under the model's prefix.
    private static IEnumerable<(string Name, Type Type)> Leaves(string name, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsClass && t != typeof(string) && t != typeof(IFormFile) && !typeof(IEnumerable).IsAssignableFrom(t))
        {
            return t.GetProperties().Where(p => p.CanWrite).Select(p => ($"{name}.{p.Name}", p.PropertyType));
        }
        return [(name, type)];
    }

    private static bool IsIdShaped(string name, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t))
        {
            t = t.GetGenericArguments()[0];
        }
        var leaf = name.Split('.')[^1];
        return t == typeof(Guid) || (t != typeof(bool) && (leaf.Equals("id", StringComparison.OrdinalIgnoreCase) || leaf.EndsWith("Id", StringComparison.Ordinal)));
    }

    private static void Compare(Dictionary<string, string> before, Dictionary<string, string> after, string what, List<string> failures)
    {
        var changed = before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)).ToList();
        if (changed.Count > 0)
        {
            failures.Add($"{what}: changed {string.Join(", ", changed)}");
        }
    }

    private string Literal(Guid id) => _app.Provider == "Postgres" ? $"'{id}'" : $"'{id.ToString().ToUpperInvariant()}'";

    /// Everything that belongs to account B or to its people: account-owned rows, the account, its people and
    /// their sessions and passkeys, and any message queued that names one of them.
    private Task<Dictionary<string, string>> SnapshotOfAsync(World b) => _app.WithDbAsync(async (db, _) =>
    {
        var users = string.Join(", ", b.UserIds.Select(Literal));
        var queries = new Dictionary<string, string>
        {
            ["Accounts"] = $"SELECT * FROM \"Accounts\" WHERE \"Id\" = {Literal(b.Account.Id)}",
            ["AspNetUsers"] = $"SELECT * FROM \"AspNetUsers\" WHERE \"Id\" IN ({users})",
            ["UserSessions"] = $"SELECT \"Id\", \"RevokedAt\" FROM \"UserSessions\" WHERE \"UserId\" IN ({users})",
            ["Memberships of B's people"] = $"SELECT * FROM \"Memberships\" WHERE \"UserId\" IN ({users})",
            ["Mail for B's people"] = "SELECT COUNT(*) FROM \"OutboxMessages\" WHERE " + string.Join(" OR ", b.Emails.Select(e => $"\"Payload\" LIKE '%{e}%'")),
        };
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.FindProperty("AccountId") is not null && e.GetTableName() is not null))
        {
            queries[entity.GetTableName()!] = $"SELECT * FROM \"{entity.GetTableName()}\" WHERE \"AccountId\" = {Literal(b.Account.Id)}";
        }
        return await DatabaseSnapshot.HashAsync(db, queries);
    });

    /// Every table except the append-only audit trail (a refused attempt is rightly recorded).
    private Task<Dictionary<string, string>> SnapshotAsync() => _app.AllTablesAsync("AuditEvents", "AuditChainHeads");
}
