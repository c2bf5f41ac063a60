namespace Portico.Features.Accounts.Staff;

public sealed record AccountRow(Guid Id, string Name, string? ExternalId, int Members);

/// Every staff role finds accounts here; Admins also create one, with the invitation of its first Owner, as the
/// first account of a new installation and any account that no system of record brings.
[Authorize(Policy = Policies.Staff)]
public sealed class AccountsModel(PorticoDb db, CreateAccount createAccount, IStringLocalizer<AccountsModel> text) : PageModel
{
    public const int MaxNameLength = CreateAccount.MaxNameLength;

    public IReadOnlyList<AccountRow> Accounts { get; private set; } = [];

    public string? Q { get; private set; }

    public bool CanCreate => User.HasStaffRole(StaffRole.Admin);

    public string? Error => ModelState.Refusal();

    public string? NewName { get; private set; }

    public string? NewOwnerEmail { get; private set; }

    public async Task OnGetAsync(string? q, CancellationToken cancellationToken) => await LoadAsync(q, cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? ownerEmail, CancellationToken ct)
    {
        if (!CanCreate)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        (NewName, NewOwnerEmail) = (name?.Trim() ?? "", ownerEmail?.Trim());
        var outcome = await createAccount.RunAsync(NewName, NewOwnerEmail, RequestAccess.DisplayName(User), ct);
        return await outcome.ToPageResultAsync(this, account =>
        {
            TempData["Notice"] = text["Account {0} created. {1} was invited as its Owner.", account.Name, NewOwnerEmail ?? ""].Value;
            return Redirect($"/staff/accounts/{account.Id}");
        }, async () =>
        {
            await LoadAsync(null, ct);
            return true;
        });
    }

    private async Task LoadAsync(string? q, CancellationToken cancellationToken)
    {
        Q = q?.Trim();
        var accounts = db.Accounts.AsNoTracking();
        if (!string.IsNullOrEmpty(Q))
        {
            accounts = accounts.Where(a => a.Name.Contains(Q) || a.ExternalId == Q);
        }
        Accounts = await accounts.OrderBy(a => a.Name).Take(200)
            .Select(a => new AccountRow(a.Id, a.Name, a.ExternalId, db.Memberships.Count(m => m.AccountId == a.Id)))
            .ToListAsync(cancellationToken);
    }
}
