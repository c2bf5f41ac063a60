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
public sealed class AccountModel(PorticoDb db, ChangeMembershipRole changeRole, Audit.AuditLog audit, TimeProvider clock) : PageModel
{
    public string Name { get; private set; } = "";
    public Accounts.CompanyAddress? Address { get; private set; }
    public Guid? AccountManagerId { get; private set; }
    public IReadOnlyList<RoleOption> StaffMembers { get; private set; } = [];
    public string? ExternalId { get; private set; }
    public IReadOnlyList<ContactRow> Contacts { get; private set; } = [];
    public IReadOnlyList<RoleOption> Roles { get; private set; } = [];
    public bool CanManage => User.HasClaim(StaffHandler.StaffRoleClaim, nameof(StaffRole.Admin));

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (account is null)
        {
            return NotFound();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        Name = account.Name;
        ExternalId = account.ExternalId;
        Address = account.Address;
        AccountManagerId = account.AccountManagerId;
        StaffMembers = await db.Users.AsNoTracking().Where(u => u.StaffRole != null).OrderBy(u => u.DisplayName)
            .Select(u => new RoleOption(u.Id, u.DisplayName)).ToListAsync(cancellationToken);
        Contacts = await db.Memberships.AsNoTracking().Where(m => m.AccountId == id).OrderBy(m => m.User.DisplayName)
            .Select(m => new ContactRow(m.Id, m.UserId, m.User.DisplayName, m.User.Email ?? "", m.Role.Name, m.ExpiresAt, m.ExpiresAt != null && m.ExpiresAt <= now))
            .ToListAsync(cancellationToken);
        Roles = await db.Roles.AsNoTracking().OrderBy(r => r.Name).Select(r => new RoleOption(r.Id, r.Name)).ToListAsync(cancellationToken);
        return Page();
    }

    /// The account manager approves the account's changes that rules route to them.
    public async Task<IActionResult> OnPostManagerAsync(Guid id, Guid? managerId, CancellationToken cancellationToken)
    {
        if (!CanManage)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (account is null)
        {
            return NotFound();
        }
        if (managerId is { } staffId && !await db.Users.AnyAsync(u => u.Id == staffId && u.StaffRole != null, cancellationToken))
        {
            Notice = "Choose a staff member as account manager.";
            return RedirectToPage(new { id });
        }
        var before = account.AccountManagerId;
        account.AssignManager(managerId);
        audit.Record(Audit.AuditActions.AccountManagerChanged, id, "Account", id.ToString(), new { from = before, to = managerId });
        await db.SaveChangesAsync(cancellationToken);
        Notice = managerId is null ? "The account has no account manager now." : "Account manager set.";
        return RedirectToPage(new { id });
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
