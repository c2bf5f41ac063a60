namespace Portico.Features.Approvals.Staff;

/// Changes routed to staff: an account manager sees their accounts', admins see all.
[Authorize(Policy = Policies.Staff)]
public sealed class ApprovalsModel(PorticoDb db, DecideChange decide, IStringLocalizer<ApprovalsModel> text) : PageModel
{
    public ChangeListView List { get; private set; } = new([], [], true);
    public bool IsAdmin => StaffRole == Identity.StaffRole.Admin;
    public string? Error => ModelState.Refusal();

    [TempData]
    public string? Notice { get; set; }

    private StaffRole? StaffRole => Enum.TryParse<StaffRole>(User.FindFirst(StaffHandler.StaffRoleClaim)?.Value, out var role) ? role : null;

    private Decider Me => new(User.UserId()!.Value, RequestAccess.DisplayName(User), StaffRole, false);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostApproveAsync(Guid changeId, string? reason, CancellationToken ct) =>
        await AfterAsync(await decide.ApproveAsync(changeId, Me, reason, ct), text["Approved and applied."], ct);

    public async Task<IActionResult> OnPostRejectAsync(Guid changeId, string? reason, CancellationToken ct) =>
        await AfterAsync(await decide.RejectAsync(changeId, Me, reason, ct), text["Rejected; nothing was changed."], ct);

    private Task<IActionResult> AfterAsync(Outcome outcome, string notice, CancellationToken ct) =>
        outcome.ToPageResultAsync(this, () =>
        {
            Notice = notice;
            return RedirectToPage();
        }, async () =>
        {
            await LoadAsync(ct);
            return true;
        });

    private async Task LoadAsync(CancellationToken ct)
    {
        var me = User.UserId()!.Value;
        var routedToStaff = db.ChangeRequests.Where(c => c.Approver != ApproverKind.AccountOwner);
        var changes = IsAdmin ? routedToStaff : routedToStaff.Where(c => db.Accounts.Any(a => a.Id == c.AccountId && a.AccountManagerId == me));
        var (pending, decided) = await ApprovalQueries.ListAsync(changes, db, ct);
        var who = Me;
        List = new ChangeListView(
            pending.Select(c => c with { CanDecide = DecideChange.MayDecide(c.RequestedById, c.Approver, c.AccountManagerId, who) }).ToList(),
            decided, true);
    }
}
