namespace Portico.Features.Accounts;

/// A staff Admin adds a custom role: a named set of catalogue permissions. Built-in roles stay as they are.
public sealed class ChangeRoleCatalogue(PorticoDb db, AuditLog audit, IStringLocalizer<ChangeRoleCatalogue> text)
{
    public const string UnknownPermissionsRefusal = "Choose permissions from the list.";

    public static bool UnknownPermissions(IEnumerable<string> permissions) => permissions.Any(p => !Permissions.All.Contains(p));

    public async Task<Outcome<Role>> CreateAsync(string name, string? description, IReadOnlyList<string> permissions, CancellationToken ct)
    {
        if (UnknownPermissions(permissions))
        {
            return Refused("Permissions", text[UnknownPermissionsRefusal]);
        }
        name = name.Trim();
        var taken = Refused("Name", text["A role with this name already exists."]);
        if (await db.Roles.AnyAsync(r => r.Name == name, ct))
        {
            return taken;
        }
        var role = new Role(name, description?.Trim() ?? "", permissions);
        db.Roles.Add(role);
        audit.Record(AuditActions.RoleCreated, targetType: "Role", targetId: role.Id.ToString(), details: new { role.Name, role.Permissions });
        return await db.SaveUnlessTakenAsync(ct) ? role : taken;
    }

    private static Outcome Refused(string field, string message) => Outcome.Refused(message, new Dictionary<string, string> { [field] = message });
}
