using Portico.Features.Contacts;
using Portico.Features.Insights.Staff;

namespace Portico.Features.Accounts.Staff;

public sealed record RoleOption(Guid Id, string Name);

/// The account seen from the console. Every staff role may look; only Admins change who has
/// access, because granting a role (Owner included) is the most sensitive change there is, and
/// Agents and Finance work requests and invoices, not access. The same rules as the customer's
/// own contacts page apply (ManageContacts), with the staff member as the audited actor; a role change
/// waits for approval where a rule says so, as an Owner's does.
[Authorize(Policy = Policies.Staff)]
[StaffChanges(StaffRole.Admin)]
public sealed class AccountModel(PorticoDb db, ManageContacts manage, ResetTwoFactor resetTwoFactor, Accounts.AccountPolicies policies,
    AccountPeople people, AccountTimeline timeline, AccountQuickFixes fixes, TimeProvider clock, ReadInsights insights,
    IAuthorizationService authorization, IStringLocalizer<AccountModel> text) : PageModel
{
    public string Name { get; private set; } = "";
    public Accounts.CompanyAddress? Address { get; private set; }
    public Guid? AccountManagerId { get; private set; }
    public IReadOnlyList<RoleOption> StaffMembers { get; private set; } = [];
    public string? ExternalId { get; private set; }
    public bool RequireMfa { get; private set; }
    public bool IsKey { get; private set; }
    public IReadOnlyList<PersonRow> People { get; private set; } = [];
    public IReadOnlyList<PendingInvitation> Invitations { get; private set; } = [];
    public IReadOnlyList<RoleOption> Roles { get; private set; } = [];
    public TimelinePage Timeline { get; private set; } = new([], null);
    /// The account's insight figures; null for staff who may not see insights (Finance).
    public InsightReport? Figures { get; private set; }
    public Guid Id { get; private set; }
    /// Where the shown timeline page starts; null for the newest.
    public long? Before { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public bool CanManage => StaffChangesAttribute.Allows(this);
    public string? Error => ModelState.Refusal();

    [TempData]
    public string? Notice { get; set; }

    private ManageContacts.Actor Actor => new(RequestAccess.DisplayName(User), null);

    /// The staff member named as who asks, so a change an approval rule covers waits as an Owner's would.
    private ManageContacts.Actor Requester => new(RequestAccess.DisplayName(User), null, User.UserId());

    /// before: where the timeline page starts (from its "older" link).
    public async Task<IActionResult> OnGetAsync(Guid id, long? before, CancellationToken ct) =>
        await LoadAsync(id, ct, before) ? Page() : NotFound();

    public Task<IActionResult> OnPostInviteAsync(Guid id, string? email, Guid roleId, DateOnly? accessUntil, CancellationToken ct) =>
        ManagedAsync(id, () => manage.InviteAsync(id, email, roleId, accessUntil, Actor, ct), text["Invitation sent to {0}.", email ?? ""], ct);

    public Task<IActionResult> OnPostRevokeAsync(Guid id, Guid invitationId, CancellationToken ct) =>
        ManagedAsync(id, () => manage.RevokeInvitationAsync(id, invitationId, ct), text["Invitation withdrawn."], ct);

    public Task<IActionResult> OnPostChangeRoleAsync(Guid id, Guid membershipId, Guid roleId, CancellationToken ct) =>
        ManagedAsync(id, () => fixes.ChangeRoleAsync(id, membershipId, roleId, Requester, ct), text["Role changed."], ct);

    public Task<IActionResult> OnPostResendInvitationAsync(Guid id, Guid invitationId, CancellationToken ct) =>
        ManagedAsync(id, () => fixes.ResendInvitationAsync(id, invitationId, Actor, ct),
            i => text["Invitation sent again to {0}. The new link works until {1}; the earlier link no longer works.", i.Email, TimeZones.Exact(i.ExpiresAt, TimeZones.Of(User))], ct);

    public Task<IActionResult> OnPostUnlockAsync(Guid id, Guid userId, CancellationToken ct) =>
        ManagedAsync(id, () => fixes.UnlockAsync(id, userId, ct), p => text["{0} is no longer locked out and can sign in again.", p.DisplayName], ct);

    public Task<IActionResult> OnPostEndSessionsAsync(Guid id, Guid userId, CancellationToken ct) =>
        ManagedAsync(id, () => fixes.EndSessionsAsync(id, userId, ct), p => text["{0} was signed out of every browser.", p.DisplayName], ct);

    public Task<IActionResult> OnPostExpiryAsync(Guid id, Guid membershipId, DateOnly? accessUntil, CancellationToken ct) =>
        ManagedAsync(id, () => manage.SetAccessUntilAsync(id, membershipId, accessUntil, Actor, ct),
            accessUntil is null ? text["Access end date cleared."] : text["Access end date saved."], ct);

    public Task<IActionResult> OnPostRemoveAsync(Guid id, Guid membershipId, CancellationToken ct) =>
        ManagedAsync(id, () => manage.RemoveAsync(id, membershipId, Actor, ct), text["Access removed."], ct);

    public Task<IActionResult> OnPostRequireMfaAsync(Guid id, bool required, CancellationToken ct) =>
        ManagedAsync(id, () => policies.RequireMfaAsync(id, required, ct), required ? text["Members now need two-factor sign-in to open this account."] : text["Two-factor sign-in is no longer required for this account."], ct);

    public Task<IActionResult> OnPostKeyAsync(Guid id, bool key, CancellationToken ct) =>
        ManagedAsync(id, () => policies.MarkKeyAsync(id, key, ct), key ? text["Marked as a key account."] : text["No longer a key account."], ct);

    public Task<IActionResult> OnPostResetTwoFactorAsync(Guid id, Guid userId, string? reason, CancellationToken ct) =>
        ManagedAsync(id, async () =>
        {
            // Only people of this account are reset from its page; anyone else answers 404.
            if (!await db.Memberships.AcrossAccounts().AnyAsync(m => m.AccountId == id && m.UserId == userId, ct))
            {
                return Outcome.NotFound;
            }
            return await resetTwoFactor.RunAsync(userId, id, reason, ct);
        }, text["Two-factor sign-in was reset and the person was signed out everywhere. They have been emailed."], ct);

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
            Notice = managerId is null ? text["The account has no account manager now."] : text["Account manager set."];
            return RedirectToPage(new { id });
        }, () => LoadAsync(id, ct));
    }

    private Task<IActionResult> ManagedAsync(Guid id, Func<Task<Outcome>> action, string notice, CancellationToken ct) =>
        ManagedAsync(id, action, () => notice, ct);

    /// The notice names what was changed, which only the done outcome carries.
    private Task<IActionResult> ManagedAsync<T>(Guid id, Func<Task<Outcome<T>>> action, Func<T, string> notice, CancellationToken ct) where T : class
    {
        var said = "";
        return ManagedAsync(id, async () =>
        {
            var outcome = await action();
            said = outcome.Value is { } value ? notice(value) : "";
            return outcome.Status;
        }, () => said, ct);
    }

    private async Task<IActionResult> ManagedAsync(Guid id, Func<Task<Outcome>> action, Func<string> notice, CancellationToken ct)
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
            Notice = notice();
            return RedirectToPage(new { id });
        }, () => LoadAsync(id, ct), pending =>
        {
            Notice = pending;
            return RedirectToPage(new { id });
        });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct, long? before = null)
    {
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (account is null)
        {
            return false;
        }
        Now = clock.GetUtcNow();
        Id = id;
        Before = before;
        Name = account.Name;
        ExternalId = account.ExternalId;
        RequireMfa = account.RequireMfa;
        IsKey = account.IsKey;
        Address = account.Address;
        AccountManagerId = account.AccountManagerId;
        StaffMembers = await db.Users.AsNoTracking().Where(u => u.StaffRole != null).OrderBy(u => u.DisplayName)
            .Select(u => new RoleOption(u.Id, u.DisplayName)).ToListAsync(ct);
        People = await people.MembersAsync(id, ct);
        Invitations = await people.InvitationsAsync(id, ct);
        Timeline = await timeline.ReadAsync(id, before, ct);
        Roles = await db.Roles.AsNoTracking().OrderBy(r => r.Name).Select(r => new RoleOption(r.Id, r.Name)).ToListAsync(ct);
        if ((await authorization.AuthorizeAsync(User, HttpContext, Policies.StaffRequests)).Succeeded)
        {
            Figures = await insights.RunAsync(AccountInsights.Filter(id, Now), ct);
        }
        return true;
    }
}
