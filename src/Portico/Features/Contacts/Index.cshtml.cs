using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Features.Requests;
using Portico.Features.Staff;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Contacts;

public sealed record InvitationRow(Guid Id, string Email, string Role, DateTime ExpiresAt, string InvitedBy);

[Authorize(Policy = "account:" + Permissions.ContactsView)]
public sealed class IndexModel(ListContacts listContacts, ManageContacts manage, ChangeMembershipRole changeRole, Approvals.ApprovalGate approvals,
    AccountContext account, PorticoDb db, TimeProvider clock) : PageModel
{
    public IReadOnlyList<ContactRow> Contacts { get; private set; } = [];
    public IReadOnlyList<InvitationRow> Invitations { get; private set; } = [];
    public IReadOnlyList<RoleOption> Roles { get; private set; } = [];
    /// Role changes and invitations held for approval.
    public IReadOnlyList<string> AwaitingApproval { get; private set; } = [];
    public bool CanManage => account.Permissions.Contains(Permissions.ContactsManage);
    public string? Error { get; private set; }
    public string? Notice { get; private set; }

    private ManageContacts.Actor Actor => new(RequestAccess.DisplayName(User), account.Permissions, User.UserId());

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done;
        await LoadAsync(ct);
    }

    public Task<IActionResult> OnPostInviteAsync(Guid accountId, string? email, Guid roleId, DateOnly? accessUntil, CancellationToken ct) =>
        ManagedAsync(accountId, () => manage.InviteAsync(accountId, email, roleId, accessUntil, Actor, ct), $"Invitation sent to {email}.", ct);

    public Task<IActionResult> OnPostRevokeAsync(Guid accountId, Guid invitationId, CancellationToken ct) =>
        ManagedAsync(accountId, () => manage.RevokeInvitationAsync(accountId, invitationId, ct), "Invitation withdrawn.", ct);

    public Task<IActionResult> OnPostExpiryAsync(Guid accountId, Guid membershipId, DateOnly? accessUntil, CancellationToken ct) =>
        ManagedAsync(accountId, () => manage.SetAccessUntilAsync(accountId, membershipId, accessUntil, Actor, ct), "Access end date saved.", ct);

    public Task<IActionResult> OnPostRemoveAsync(Guid accountId, Guid membershipId, CancellationToken ct) =>
        ManagedAsync(accountId, () => manage.RemoveAsync(accountId, membershipId, Actor, ct), "Access removed.", ct);

    public Task<IActionResult> OnPostRoleAsync(Guid accountId, Guid membershipId, Guid roleId, CancellationToken ct) =>
        ManagedAsync(accountId, async () =>
        {
            var role = await db.Roles.AsNoTracking().SingleOrDefaultAsync(r => r.Id == roleId, ct);
            var current = await db.Memberships.AsNoTracking().Where(m => m.Id == membershipId)
                .Select(m => new { m.Role, m.User.DisplayName, m.User.Email }).SingleOrDefaultAsync(ct);
            if (role is null || current is null)
            {
                return current is null ? ContactOutcome.Missing : ContactOutcome.Refused("Choose a role.");
            }
            if (ChangeMembershipRole.Beyond(account.Permissions, current.Role, role) is { } beyond)
            {
                return ContactOutcome.Refused(beyond);
            }
            var check = await changeRole.CheckAsync(accountId, membershipId, roleId, ct);
            if (check == ChangeRoleResult.Changed && await approvals.RuleForAsync(Approvals.ChangeKinds.RoleGrant, role.Name, ct) is { } rule)
            {
                var held = await approvals.HoldAsync(accountId, rule, Approvals.ChangeTypes.RoleChange, "membership:" + membershipId,
                    $"Give {current.DisplayName} ({current.Email}) the {role.Name} role (now {current.Role.Name})",
                    new Approvals.RoleChangePayload(membershipId, role.Id, role.Name, current.Role.Name, current.DisplayName, current.Email ?? ""),
                    new Approvals.Requester(User.UserId()!.Value, Actor.Name), ct);
                return held is null ? ContactOutcome.Held : ContactOutcome.Refused(held);
            }
            return (check == ChangeRoleResult.Changed ? await changeRole.RunAsync(accountId, membershipId, roleId, ct) : check) switch
            {
                ChangeRoleResult.NotFound => ContactOutcome.Missing,
                ChangeRoleResult.LastOwner => ContactOutcome.Refused("The account's last Owner cannot be given another role. Make someone else Owner first."),
                ChangeRoleResult.UnknownRole => ContactOutcome.Refused("Choose a role."),
                _ => ContactOutcome.Done,
            };
        }, "Role changed.", ct);

    private async Task<IActionResult> ManagedAsync(Guid accountId, Func<Task<ContactOutcome>> action, string notice, CancellationToken ct)
    {
        if (!CanManage)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        var outcome = await action();
        if (outcome.NotFound)
        {
            return NotFound();
        }
        if (outcome.AwaitingApproval)
        {
            return Redirect($"/a/{accountId}/contacts?done={Uri.EscapeDataString("This change needs approval first. You can follow it under Approvals.")}");
        }
        if (outcome.Succeeded)
        {
            return Redirect($"/a/{accountId}/contacts?done={Uri.EscapeDataString(notice)}");
        }
        Error = outcome.Error;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Contacts = await listContacts.RunAsync(ct);
        if (CanManage)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            Invitations = await db.Invitations.AsNoTracking().Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
                .Join(db.Roles, i => i.RoleId, r => r.Id, (i, r) => new InvitationRow(i.Id, i.Email, r.Name, i.ExpiresAt, i.InvitedByName))
                .ToListAsync(ct);
            AwaitingApproval = await db.ChangeRequests.AsNoTracking()
                .Where(c => c.Status == Approvals.ChangeStatus.Pending && (c.Type == Approvals.ChangeTypes.RoleChange || c.Type == Approvals.ChangeTypes.Invitation))
                .OrderBy(c => c.RequestedAt).Select(c => c.Summary).ToListAsync(ct);
            // Only roles within the manager's own permissions are offered.
            var roles = await db.Roles.AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct);
            Roles = roles.Where(r => r.Permissions.All(account.Permissions.Contains)).Select(r => new RoleOption(r.Id, r.Name)).ToList();
        }
    }
}
