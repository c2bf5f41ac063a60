using Portico.Features.Accounts.Staff;

namespace Portico.Features.Contacts;

[AccountPermission(Permissions.ContactsView)]
public sealed class IndexModel(ListContacts listContacts, ManageContacts manage, AccountContext account, PorticoDb db, Integrations.WriteBacks writeBacks,
    Approvals.ChangeSummaries summaries, IStringLocalizer<IndexModel> text) : PageModel
{
    public IReadOnlyList<ContactRow> Contacts { get; private set; } = [];
    public IReadOnlyList<InvitationRow> Invitations { get; private set; } = [];
    public IReadOnlyList<RoleOption> Roles { get; private set; } = [];
    /// Role changes and invitations held for approval.
    public IReadOnlyList<string> AwaitingApproval { get; private set; } = [];
    public bool CanManage => account.Permissions.Contains(Permissions.ContactsManage);
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }
    public bool RequireMfa { get; private set; }
    /// The latest change of the account's people sent to the system of record that owns contacts, while it waits or when it did not go through.
    public Integrations.WriteBackView? WriteBack { get; private set; }

    private ManageContacts.Actor Actor => new(RequestAccess.DisplayName(User), account.Permissions, User.UserId());

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done;
        await LoadAsync(ct);
    }

    public Task<IActionResult> OnPostInviteAsync(string? email, Guid roleId, DateOnly? accessUntil, CancellationToken ct) =>
        ManagedAsync(() => manage.InviteAsync(account.Id, email, roleId, accessUntil, Actor, ct), text["Invitation sent to {0}.", email ?? ""], ct);

    public Task<IActionResult> OnPostRevokeAsync(Guid invitationId, CancellationToken ct) =>
        ManagedAsync(() => manage.RevokeInvitationAsync(account.Id, invitationId, ct), text["Invitation withdrawn."], ct);

    public Task<IActionResult> OnPostExpiryAsync(Guid membershipId, DateOnly? accessUntil, CancellationToken ct) =>
        ManagedAsync(() => manage.SetAccessUntilAsync(account.Id, membershipId, accessUntil, Actor, ct), text["Access end date saved."], ct);

    public Task<IActionResult> OnPostRemoveAsync(Guid membershipId, CancellationToken ct) =>
        ManagedAsync(() => manage.RemoveAsync(account.Id, membershipId, Actor, ct), text["Access removed."], ct);

    public Task<IActionResult> OnPostRoleAsync(Guid membershipId, Guid roleId, CancellationToken ct) =>
        ManagedAsync(() => manage.ChangeRoleAsync(account.Id, membershipId, roleId, Actor, ct), text["Role changed."], ct);

    private async Task<IActionResult> ManagedAsync(Func<Task<Outcome>> action, string notice, CancellationToken ct)
    {
        if (!CanManage)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        return await (await action()).ToPageResultAsync(this, () => Done(notice), async () =>
        {
            await LoadAsync(ct);
            return true;
        }, onPending: Done);
    }

    private RedirectResult Done(string notice) => Redirect($"/a/{account.Id}/contacts?done={Uri.EscapeDataString(notice)}");

    private async Task LoadAsync(CancellationToken ct)
    {
        Contacts = await listContacts.RunAsync(ct);
        RequireMfa = account.RequiresMfa;
        WriteBack = await writeBacks.LatestAsync(account.Id, Integrations.SyncedObjectTypes.Contacts, ct);
        if (CanManage)
        {
            Invitations = await listContacts.OpenInvitationsAsync(account.AccountId!.Value, ct);
            var waiting = await db.ChangeRequests.AsNoTracking()
                .Where(c => c.Status == Approvals.ChangeStatus.Pending && (c.Type == Approvals.ChangeTypes.RoleChange || c.Type == Approvals.ChangeTypes.Invitation))
                .OrderBy(c => c.RequestedAt).Select(c => new { c.Type, c.Payload }).ToListAsync(ct);
            AwaitingApproval = waiting.Select(c => summaries.Describe(c.Type, c.Payload)).ToList();
            // Only roles within the manager's own permissions are offered.
            var roles = await db.Roles.AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct);
            Roles = roles.Where(r => r.Permissions.All(account.Permissions.Contains)).Select(r => new RoleOption(r.Id, r.Name)).ToList();
        }
    }
}
