using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Contacts;
using Portico.Features.Identity;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Staff;

public sealed record RoleOption(Guid Id, string Name);

[Authorize(Policy = Policies.Staff)]
public sealed class AccountModel(PorticoDb db, ChangeMembershipRole changeRole, TimeProvider clock) : PageModel
{
    public string Name { get; private set; } = "";
    public string? ExternalId { get; private set; }
    public IReadOnlyList<ContactRow> Contacts { get; private set; } = [];
    public IReadOnlyList<RoleOption> Roles { get; private set; } = [];
    public bool CanManage => User.HasClaim(StaffHandler.StaffRoleClaim, nameof(StaffRole.Admin));

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == id).Select(a => new { a.Name, a.ExternalId }).SingleOrDefaultAsync(cancellationToken);
        if (account is null)
        {
            return NotFound();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        Name = account.Name;
        ExternalId = account.ExternalId;
        Contacts = await db.Memberships.AsNoTracking().Where(m => m.AccountId == id).OrderBy(m => m.User.DisplayName)
            .Select(m => new ContactRow(m.Id, m.UserId, m.User.DisplayName, m.User.Email ?? "", m.Role.Name, m.ExpiresAt, m.ExpiresAt != null && m.ExpiresAt <= now))
            .ToListAsync(cancellationToken);
        Roles = await db.Roles.AsNoTracking().OrderBy(r => r.Name).Select(r => new RoleOption(r.Id, r.Name)).ToListAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostChangeRoleAsync(Guid id, [Required] Guid? membershipId, [Required] Guid? roleId, CancellationToken cancellationToken)
    {
        if (!CanManage)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (!ModelState.IsValid)
        {
            return BadRequest();
        }
        var result = await changeRole.RunAsync(id, membershipId!.Value, roleId!.Value, cancellationToken);
        switch (result)
        {
            case ChangeRoleResult.NotFound:
                return NotFound();
            case ChangeRoleResult.UnknownRole:
                Notice = "That role does not exist.";
                break;
            case ChangeRoleResult.LastOwner:
                Notice = "The account's last Owner cannot be given another role. Make someone else Owner first.";
                break;
            case ChangeRoleResult.Unchanged:
                Notice = "The role was already set.";
                break;
            default:
                Notice = "Role changed.";
                break;
        }
        return RedirectToPage(new { id });
    }
}
