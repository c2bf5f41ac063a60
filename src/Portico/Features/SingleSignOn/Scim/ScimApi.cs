using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portico.Features.SingleSignOn;

/// SCIM 2.0 Users and Groups (RFC 7643/7644) for one provider at /scim/v2/{providerId}, authenticated by that provider's token only.
public static partial class ScimApi
{
    public const string ContentType = "application/scim+json";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
    private const string ListSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

    /// A ListResponse of one page, found by the one filter the resource supports (attribute eq "value"), with paging clamped to what we serve.
    private static async Task<IResult> ListAsync<T>(string? filter, Regex supported, string refusal, int? startIndex, int? count,
        Func<string?, int, int, Task<(int Total, List<T> Page)>> list, Func<T, JsonObject> resource)
    {
        string? value = null;
        if (filter is not null)
        {
            if (supported.Match(filter) is not { Success: true } match)
            {
                return Error(StatusCodes.Status400BadRequest, refusal, "invalidFilter");
            }
            value = Regex.Unescape(match.Groups[1].Value);
        }
        var start = Math.Max(startIndex ?? 1, 1);
        var size = Math.Clamp(count ?? 100, 0, ScimUsers.MaxCount);
        var (total, page) = await list(value, start, size);
        return Results.Json(new JsonObject
        {
            ["schemas"] = new JsonArray(ListSchema), ["totalResults"] = total, ["startIndex"] = start, ["itemsPerPage"] = page.Count,
            ["Resources"] = new JsonArray(page.Select(r => (JsonNode)resource(r)).ToArray()),
        }, contentType: ContentType);
    }

    public static IResult Error(int status, string detail, string? scimType = null) =>
        Results.Json(new { schemas = new[] { ErrorSchema }, status = status.ToString(System.Globalization.CultureInfo.InvariantCulture), scimType, detail },
            contentType: ContentType, statusCode: status);

    // The one filter Entra ID and Okta send to find a person before creating them.
    [GeneratedRegex("""^\s*userName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserNameFilter();

    public static IEndpointRouteBuilder MapScim(this IEndpointRouteBuilder routes)
    {
        var root = routes.MapGroup("/scim/v2/{providerId:guid}").ExcludeFromDescription().RequireAuthorization(
            new AuthorizationPolicyBuilder(ScimTokenAuthentication.SchemeName).RequireAuthenticatedUser().RequireClaim(ScimTokenAuthentication.ProviderClaim).Build());
        root.MapScimGroups();
        var scim = root.MapGroup("/Users");

        scim.MapGet("", (Guid providerId, string? filter, int? startIndex, int? count, HttpContext http, ScimUsers people, CancellationToken ct) =>
            ListAsync(filter, UserNameFilter(), "Only the filter userName eq \"address\" is supported.", startIndex, count,
                (userName, start, size) => people.ListAsync(providerId, userName, start, size, ct), u => Resource(http, providerId, u)));

        scim.MapGet("/{id}", async (Guid providerId, string id, HttpContext http, ScimUsers people, CancellationToken ct) =>
            Guid.TryParse(id, out var userId) && await people.FindAsync(providerId, userId, ct) is { } user
                ? Results.Json(Resource(http, providerId, user), contentType: ContentType)
                : Error(StatusCodes.Status404NotFound, "No such user."));

        scim.MapPost("", (Guid providerId, HttpContext http, ScimUsers people, CancellationToken ct) =>
            WithBodyAsync(http, async body => Answer(http, providerId, await people.CreateAsync(providerId, ChangeOf(body), ct)), ct));

        scim.MapPut("/{id}", (Guid providerId, string id, HttpContext http, ScimUsers people, CancellationToken ct) =>
            WithBodyAsync(http, id, "No such user.", async (body, userId) =>
                Answer(http, providerId, await people.ChangeAsync(providerId, userId, ChangeOf(body), ct)), ct));

        scim.MapPatch("/{id}", (Guid providerId, string id, HttpContext http, ScimUsers people, CancellationToken ct) =>
            WithBodyAsync(http, id, "No such user.", async (body, userId) => PatchOf(body) switch
            {
                (_, { } invalid) => invalid,
                (var change, _) => Answer(http, providerId, await people.ChangeAsync(providerId, userId, change!, ct)),
            }, ct));

        scim.MapDelete("/{id}", async (Guid providerId, string id, HttpContext http, ScimUsers people, CancellationToken ct) =>
            Guid.TryParse(id, out var userId) ? Answer(http, providerId, await people.DeleteAsync(providerId, userId, ct))
                : Error(StatusCodes.Status404NotFound, "No such user."));
        return routes;
    }

    private static IResult Answer(HttpContext http, Guid providerId, ScimOutcome outcome) => outcome.User is { } user
        ? Results.Json(Resource(http, providerId, user), contentType: ContentType, statusCode: outcome.Status)
        : outcome.Status == StatusCodes.Status204NoContent ? Results.NoContent()
        : Error(outcome.Status, outcome.Detail!, outcome.ScimType);

    private static JsonObject Resource(HttpContext http, Guid providerId, ScimUser user) => new()
    {
        ["schemas"] = new JsonArray(UserSchema),
        ["id"] = user.Id.ToString(),
        ["userName"] = user.UserName,
        ["name"] = new JsonObject { ["formatted"] = user.DisplayName },
        ["displayName"] = user.DisplayName,
        ["emails"] = new JsonArray(new JsonObject { ["value"] = user.UserName, ["primary"] = true }),
        ["active"] = user.Active,
        ["meta"] = new JsonObject
        {
            ["resourceType"] = "User",
            ["created"] = DateTime.SpecifyKind(user.Created, DateTimeKind.Utc),
            ["lastModified"] = DateTime.SpecifyKind(user.LastModified, DateTimeKind.Utc),
            ["location"] = http.RequestServices.GetRequiredService<IOptions<BrandingOptions>>().Value.Link($"/scim/v2/{providerId}/Users/{user.Id}"),
        },
    };

    /// A create: the body read as a JSON object, or the refusal that says why it could not be.
    private static async Task<IResult> WithBodyAsync(HttpContext http, Func<JsonObject, Task<IResult>> write, CancellationToken ct)
    {
        var (body, refused) = await ReadAsync(http, ct);
        return body is null ? refused! : await write(body);
    }

    /// A change to one resource: its body, then its id; an id that is not one of ours is a resource we do not have.
    private static Task<IResult> WithBodyAsync(HttpContext http, string id, string noSuch, Func<JsonObject, Guid, Task<IResult>> write, CancellationToken ct) =>
        WithBodyAsync(http, body => Guid.TryParse(id, out var resourceId) ? write(body, resourceId)
            : Task.FromResult(Error(StatusCodes.Status404NotFound, noSuch)), ct);

    /// The body as a JSON object, or the SCIM error saying why not.
    private static async Task<(JsonObject? Body, IResult? Refused)> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var type = http.Request.ContentType ?? "";
        if (!type.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Error(StatusCodes.Status415UnsupportedMediaType, $"Send the body as {ContentType}."));
        }
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) is JsonObject body
                ? (body, null)
                : (null, Error(StatusCodes.Status400BadRequest, "The body must be a JSON object.", "invalidSyntax"));
        }
        catch (JsonException e)
        {
            return (null, Error(StatusCodes.Status400BadRequest, "Malformed JSON: " + e.Message, "invalidSyntax"));
        }
    }

    /// A User resource's attributes Portico keeps; attribute names are compared without regard to case, as SCIM says.
    private static ScimChange ChangeOf(JsonObject body) => new(Text(Get(body, "userName")),
        Text(Get(body, "displayName")) ?? Text(Get(Get(body, "name") as JsonObject, "formatted")), Flag(Get(body, "active")));

    /// PatchOp with "replace" or "add" on active, displayName or name.formatted, by path or as an object without one;
    /// other attributes are ones Portico does not keep, and are ignored.
    private static (ScimChange? Change, IResult? Invalid) PatchOf(JsonObject body)
    {
        if (Get(body, "Operations") is not JsonArray operations)
        {
            return (null, Error(StatusCodes.Status400BadRequest, "A PatchOp needs Operations.", "invalidSyntax"));
        }
        var change = new ScimChange(null, null, null);
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = Text(Get(operation, "op"))?.ToLowerInvariant();
            if (op is not ("replace" or "add"))
            {
                return (null, Error(StatusCodes.Status400BadRequest, $"The operation \"{op}\" is not supported; use replace.", "invalidSyntax"));
            }
            var value = Get(operation, "value");
            var path = Text(Get(operation, "path"));
            var values = path is null ? value as JsonObject : new JsonObject { [path] = value?.DeepClone() };
            if (values is null)
            {
                return (null, Error(StatusCodes.Status400BadRequest, "An operation without a path needs an object as its value.", "invalidValue"));
            }
            if (Get(values, "name.formatted") is { } formatted)
            {
                values["displayName"] = formatted.DeepClone();
            }
            var next = ChangeOf(values);
            if (Get(values, "active") is not null && next.Active is null)
            {
                return (null, Error(StatusCodes.Status400BadRequest, "active must be true or false.", "invalidValue"));
            }
            change = new ScimChange(next.UserName ?? change.UserName, next.DisplayName ?? change.DisplayName, next.Active ?? change.Active);
        }
        return (change, null);
    }

    internal static JsonNode? Get(JsonObject? node, string name) =>
        node?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    internal static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    // Entra ID sends "False" as a string in PATCH; both spellings mean the same.
    private static bool? Flag(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<bool>(out var flag) ? flag : value.TryGetValue<string>(out var text) && bool.TryParse(text, out var parsed) ? parsed : null
        : null;
}
