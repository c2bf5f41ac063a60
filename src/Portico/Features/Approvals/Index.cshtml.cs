namespace Portico.Features.Approvals;

/// An account's changes waiting for approval and the decisions made. People see the changes they
/// asked for; Owners see all and decide those routed to an Owner.
[AccountPermission(Permissions.AccountView)]
public sealed class IndexModel(PorticoDb db, AccountContext account, DecideChange decide, IStringLocalizer<IndexModel> text) : PageModel
{
    public ChangeListView List { get; private set; } = new([], [], false);
    public bool IsOwner => account.RoleName == BuiltInRoles.Owner;
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }

    // The member whose membership the scope verified: the signed-in person, or the member staff view the portal as.
    private Decider Me => new(account.Membership!.UserId, RequestAccess.DisplayName(User), null, IsOwner);

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostApproveAsync(Guid changeId, string? reason, CancellationToken ct) =>
        await AfterAsync(await decide.ApproveAsync(changeId, Me, reason, ct), text["Approved and applied."], ct);

    public async Task<IActionResult> OnPostRejectAsync(Guid changeId, string? reason, CancellationToken ct) =>
        await AfterAsync(await decide.RejectAsync(changeId, Me, reason, ct), text["Rejected; nothing was changed."], ct);

    public async Task<IActionResult> OnPostWithdrawAsync(Guid changeId, CancellationToken ct) =>
        await AfterAsync(await decide.WithdrawAsync(changeId, Me, ct), text["Withdrawn."], ct);

    private Task<IActionResult> AfterAsync(Outcome outcome, string notice, CancellationToken ct) =>
        outcome.ToPageResultAsync(this, () => Redirect($"/a/{account.Id}/approvals?done={Uri.EscapeDataString(notice)}"), async () =>
        {
            await LoadAsync(ct);
            return true;
        });

    private async Task LoadAsync(CancellationToken ct)
    {
        var me = Me.UserId;
        // The global filter keeps this to the account in the route.
        var changes = IsOwner ? db.ChangeRequests : db.ChangeRequests.Where(c => c.RequestedById == me);
        var (pending, decided) = await ApprovalQueries.ListAsync(changes, db, ct);
        var who = Me;
        List = new ChangeListView(
            pending.Select(c => c with { CanDecide = DecideChange.MayDecide(c.RequestedById, c.Approver, c.AccountManagerId, who), CanWithdraw = c.RequestedById == me }).ToList(),
            decided, false);
    }
}
