using Portico.Features.Contacts;
using Portico.Features.Identity;
using Portico.Features.Requests;

namespace Portico.Features.Accounts.Staff;

public sealed record RoleOption(Guid Id, string Name);

public sealed record StaffContactRow(ContactRow Contact, bool TwoFactorOn);

/// The account seen from the console. Every staff role may look; only Admins change who has
/// access, because granting a role (Owner included) is the most sensitive change there is, and
/// Agents and Finance work requests and invoices, not access. The same rules as the customer's
/// own contacts page apply (ManageContacts), with the staff member as the audited actor.
[Authorize(Policy = Policies.Staff)]
public sealed class AccountModel(PorticoDb db, ManageContacts manage, ListContacts listContacts, ResetTwoFactor resetTwoFactor, Accounts.AccountPolicies policies,
    TimeProvider clock) : PageModel
{
    public string Name { get; private set; } = "";
    public Accounts.CompanyAddress? Address { get; private set; }
    public Guid? AccountManagerId { get; private set; }
    public IReadOnlyList<RoleOption> StaffMembers { get; private set; } = [];
    public string? ExternalId { get; private set; }
    public bool RequireMfa { get; private set; }
    public IReadOnlyList<StaffContactRow> Contacts { get; private set; } = [];
    public IReadOnlyList<InvitationRow> Invitations { get; private set; } = [];
    public IReadOnlyList<RoleOption> Roles { get; private set; } = [];
    public bool CanManage => User.HasClaim(StaffHandler.StaffRoleClaim, nameof(StaffRole.Admin));
    public string? Error => ModelState.Refusal();

    [TempData]
    public string? Notice { get; set; }

    private ManageContacts.Actor Actor => new(RequestAccess.DisplayName(User), null);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostInviteAsync(Guid id, string? email, Guid roleId, DateOnly? accessUntil, CancellationToken ct) =>
        ManagedAsync(id, () => manage.InviteAsync(id, email, roleId, accessUntil, Actor, ct), $"Invitation sent to {email}.", ct);

    public Task<IActionResult> OnPostRevokeAsync(Guid id, Guid invitationId, CancellationToken ct) =>
        ManagedAsync(id, () => manage.RevokeInvitationAsync(id, invitationId, ct), "Invitation withdrawn.", ct);

    public Task<IActionResult> OnPostChangeRoleAsync(Guid id, Guid membershipId, Guid roleId, CancellationToken ct) =>
        ManagedAsync(id, () => manage.ChangeRoleAsync(id, membershipId, roleId, Actor, ct), "Role changed.", ct);

    public Task<IActionResult> OnPostExpiryAsync(Guid id, Guid membershipId, DateOnly? accessUntil, CancellationToken ct) =>
        ManagedAsync(id, () => manage.SetAccessUntilAsync(id, membershipId, accessUntil, Actor, ct),
            accessUntil is null ? "Access end date cleared." : "Access end date saved.", ct);

    public Task<IActionResult> OnPostRemoveAsync(Guid id, Guid membershipId, CancellationToken ct) =>
        ManagedAsync(id, () => manage.RemoveAsync(id, membershipId, Actor, ct), "Access removed.", ct);

    public Task<IActionResult> OnPostRequireMfaAsync(Guid id, bool required, CancellationToken ct) =>
        ManagedAsync(id, () => policies.RequireMfaAsync(id, required, ct), required ? "Members now need two-factor sign-in to open this account." : "Two-factor sign-in is no longer required for this account.", ct);

    public Task<IActionResult> OnPostResetTwoFactorAsync(Guid id, Guid userId, string? reason, CancellationToken ct) =>
        ManagedAsync(id, async () =>
        {
            // Only people of this account are reset from its page; anyone else answers 404.
            if (!await db.Memberships.AcrossAccounts().AnyAsync(m => m.AccountId == id && m.UserId == userId, ct))
            {
                return Outcome.NotFound;
            }
            return await resetTwoFactor.RunAsync(userId, id, reason, ct);
        }, "Two-factor sign-in was reset and the person was signed out everywhere. They have been emailed.", ct);

    /// The account manager approves the account's changes that rules route to them.
    public async Task<IActionResult> OnPostManagerAsync(Guid id, Guid? managerId, CancellationToken ct)
    {
        if (!CanManage)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        var outcome = await policies.AssignManagerAsync(id, managerId, ct);
        if (outcome.Kind == OutcomeKind.Refused)
        {
            // The choice comes from a list of staff, so a refusal is a stale page: said above the page, not as a form error.
            Notice = outcome.Message;
            return RedirectToPage(new { id });
        }
        return await outcome.ToPageResultAsync(this, () =>
        {
            Notice = managerId is null ? "The account has no account manager now." : "Account manager set.";
            return RedirectToPage(new { id });
        }, () => LoadAsync(id, ct));
    }

    private async Task<IActionResult> ManagedAsync(Guid id, Func<Task<Outcome>> action, string notice, CancellationToken ct)
    {
        if (!CanManage)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (!await db.Accounts.AnyAsync(a => a.Id == id, ct))
        {
            return NotFound();
        }
        return await (await action()).ToPageResultAsync(this, () =>
        {
            Notice = notice;
            return RedirectToPage(new { id });
        }, () => LoadAsync(id, ct));
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (account is null)
        {
            return false;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        Name = account.Name;
        ExternalId = account.ExternalId;
        RequireMfa = account.RequireMfa;
        Address = account.Address;
        AccountManagerId = account.AccountManagerId;
        StaffMembers = await db.Users.AsNoTracking().Where(u => u.StaffRole != null).OrderBy(u => u.DisplayName)
            .Select(u => new RoleOption(u.Id, u.DisplayName)).ToListAsync(ct);
        Contacts = await db.Memberships.AsNoTracking().Where(m => m.AccountId == id).OrderBy(m => m.User.DisplayName)
            .Select(m => new StaffContactRow(
                new ContactRow(m.Id, m.UserId, m.User.DisplayName, m.User.Email ?? "", m.Role.Name, m.ExpiresAt, m.ExpiresAt != null && m.ExpiresAt <= now),
                m.User.TwoFactorEnabled))
            .ToListAsync(ct);
        Invitations = await listContacts.OpenInvitationsAsync(id, ct);
        Roles = await db.Roles.AsNoTracking().OrderBy(r => r.Name).Select(r => new RoleOption(r.Id, r.Name)).ToListAsync(ct);
        return true;
    }
}
