using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portico.Features.SingleSignOn;

/// SCIM 2.0 Groups at /scim/v2/{providerId}/Groups: list and filter by displayName, read, create, replace, PATCH (members
/// add and remove, displayName replace) and delete.
public static partial class ScimApi
{
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    [GeneratedRegex("""^\s*displayName\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DisplayNameFilter();

    // Okta removes one member by path: members[value eq "id"].
    [GeneratedRegex("""^\s*members\s*\[\s*value\s+eq\s+"([^"]*)"\s*\]\s*$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MemberPath();

    internal static RouteGroupBuilder MapScimGroups(this RouteGroupBuilder root)
    {
        var groups = root.MapGroup("/Groups");

        groups.MapGet("", (Guid providerId, string? filter, int? startIndex, int? count, HttpContext http, ScimGroups service, CancellationToken ct) =>
            ListAsync(filter, DisplayNameFilter(), "Only the filter displayName eq \"name\" is supported.", startIndex, count,
                (displayName, start, size) => service.ListAsync(providerId, displayName, start, size, ct), g => GroupResource(http, providerId, g)));

        groups.MapGet("/{id}", async (Guid providerId, string id, HttpContext http, ScimGroups service, CancellationToken ct) =>
            Guid.TryParse(id, out var groupId) && await service.FindAsync(providerId, groupId, ct) is { } group
                ? Results.Json(GroupResource(http, providerId, group), contentType: ContentType)
                : Error(StatusCodes.Status404NotFound, "No such group."));

        groups.MapPost("", (Guid providerId, HttpContext http, ScimGroups service, CancellationToken ct) =>
            WithBodyAsync(http, async body => GroupAnswer(http, providerId, await service.CreateAsync(providerId, GroupOf(body), ct)), ct));

        groups.MapPut("/{id}", (Guid providerId, string id, HttpContext http, ScimGroups service, CancellationToken ct) =>
            WithBodyAsync(http, id, "No such group.", async (body, groupId) =>
            {
                // A replace without members empties the group.
                var change = GroupOf(body);
                return GroupAnswer(http, providerId, await service.ChangeAsync(providerId, groupId, change with { Members = change.Members ?? [] }, ct));
            }, ct));

        groups.MapPatch("/{id}", (Guid providerId, string id, HttpContext http, ScimGroups service, CancellationToken ct) =>
            WithBodyAsync(http, id, "No such group.", async (body, groupId) => GroupPatchOf(body) switch
            {
                (_, { } invalid) => invalid,
                (var change, _) => GroupAnswer(http, providerId, await service.ChangeAsync(providerId, groupId, change!, ct)),
            }, ct));

        groups.MapDelete("/{id}", async (Guid providerId, string id, HttpContext http, ScimGroups service, CancellationToken ct) =>
            Guid.TryParse(id, out var groupId) ? GroupAnswer(http, providerId, await service.DeleteAsync(providerId, groupId, ct))
                : Error(StatusCodes.Status404NotFound, "No such group."));
        return groups;
    }

    private static IResult GroupAnswer(HttpContext http, Guid providerId, ScimGroupOutcome outcome) =>
        outcome.Group is { } group ? Results.Json(GroupResource(http, providerId, group), contentType: ContentType, statusCode: outcome.Status)
        : outcome.Status == StatusCodes.Status204NoContent ? Results.NoContent()
        : Error(outcome.Status, outcome.Detail!, outcome.ScimType);

    private static JsonObject GroupResource(HttpContext http, Guid providerId, ScimGroupResource group)
    {
        var link = http.RequestServices.GetRequiredService<IOptions<BrandingOptions>>().Value;
        return new JsonObject
        {
            ["schemas"] = new JsonArray(GroupSchema),
            ["id"] = group.Id.ToString(),
            ["displayName"] = group.DisplayName,
            ["members"] = new JsonArray(group.Members.Select(m => (JsonNode)new JsonObject
            {
                ["value"] = m.Id.ToString(), ["display"] = m.Display, ["$ref"] = link.Link($"/scim/v2/{providerId}/Users/{m.Id}"),
            }).ToArray()),
            ["meta"] = new JsonObject
            {
                ["resourceType"] = "Group",
                ["created"] = DateTime.SpecifyKind(group.Created, DateTimeKind.Utc),
                ["lastModified"] = DateTime.SpecifyKind(group.LastModified, DateTimeKind.Utc),
                ["location"] = link.Link($"/scim/v2/{providerId}/Groups/{group.Id}"),
            },
        };
    }

    private static ScimGroupChange GroupOf(JsonObject body) => ScimGroupChange.Of(Text(Get(body, "displayName")),
        Get(body, "members") is JsonArray members ? MemberValues(members) : null);

    private static List<string> MemberValues(JsonArray members) =>
        members.OfType<JsonObject>().Select(m => Text(Get(m, "value")) ?? "").ToList();

    /// PatchOp on a group: add or remove members (by value list, or Okta's members[value eq "id"] path), replace members,
    /// replace displayName by path or as an object without one. Anything else is refused. Operations apply in order (RFC 7644
    /// §3.5.2): each one undoes what an earlier one asked for the same member, so a member removed and added again stays.
    private static (ScimGroupChange? Change, IResult? Invalid) GroupPatchOf(JsonObject body)
    {
        if (Get(body, "Operations") is not JsonArray operations)
        {
            return (null, Error(StatusCodes.Status400BadRequest, "A PatchOp needs Operations.", "invalidSyntax"));
        }
        string? name = null;
        List<string>? replace = null;
        List<string> add = [], remove = [];
        // Ids compared as ids, so another spelling of the same one still undoes it.
        static string Id(string value) => Guid.TryParse(value, out var id) ? id.ToString() : value;
        void Add(IEnumerable<string> values)
        {
            foreach (var value in values.Select(Id))
            {
                remove.RemoveAll(v => v == value);
                add.Add(value);
            }
        }
        void Remove(IEnumerable<string> values)
        {
            foreach (var value in values.Select(Id))
            {
                add.RemoveAll(v => v == value);
                remove.Add(value);
            }
        }
        void Replace(List<string> values)
        {
            replace = values;
            add.Clear();
            remove.Clear();
        }
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = Text(Get(operation, "op"))?.ToLowerInvariant();
            var path = Text(Get(operation, "path"));
            var value = Get(operation, "value");
            if (path is not null && MemberPath().Match(path) is { Success: true } one && op == "remove")
            {
                Remove([one.Groups[1].Value]);
                continue;
            }
            if (path is null && op is "replace" or "add" && value is JsonObject values)
            {
                name = Text(Get(values, "displayName")) ?? name;
                if (Get(values, "members") is JsonArray listed)
                {
                    if (op == "add")
                    {
                        Add(MemberValues(listed));
                    }
                    else
                    {
                        Replace(MemberValues(listed));
                    }
                }
                continue;
            }
            switch (op, path?.ToLowerInvariant())
            {
                case ("replace", "displayname") when Text(value) is { } text:
                    name = text;
                    break;
                case ("add", "members") when value is JsonArray listed:
                    Add(MemberValues(listed));
                    break;
                case ("remove", "members") when value is JsonArray listed:
                    Remove(MemberValues(listed));
                    break;
                case ("remove", "members"):
                    // Without a value, every member goes.
                    Replace([]);
                    break;
                case ("replace", "members") when value is JsonArray listed:
                    Replace(MemberValues(listed));
                    break;
                default:
                    return (null, Error(StatusCodes.Status400BadRequest,
                        $"The operation \"{op}\" on \"{path}\" is not supported; use add, remove or replace on members, or replace on displayName.", "invalidPath"));
            }
        }
        return (new ScimGroupChange(name, replace, add, remove), null);
    }
}
