using Portico.Features.Approvals;

namespace Portico.Features.Accounts;

public sealed class AddressForm
{
    [Required(ErrorMessage = "Enter the street address.")]
    [StringLength(CompanyAddressLimits.Lines, ErrorMessage = "Keep the street address under 300 characters.")]
    public string? Lines { get; set; }

    [Required(ErrorMessage = "Enter the city.")]
    [StringLength(CompanyAddressLimits.City, ErrorMessage = "Keep the city under 100 characters.")]
    public string? City { get; set; }

    [Required(ErrorMessage = "Enter the postal code.")]
    [StringLength(CompanyAddressLimits.PostalCode, ErrorMessage = "Keep the postal code under 20 characters.")]
    public string? PostalCode { get; set; }

    [Required(ErrorMessage = "Enter the country.")]
    [StringLength(CompanyAddressLimits.Country, ErrorMessage = "Keep the country under 100 characters.")]
    public string? Country { get; set; }

    public CompanyAddress ToAddress() => new(Lines!.Trim(), City!.Trim(), PostalCode!.Trim(), Country!.Trim());
}

/// The company's details as the portal knows them; people with account.manage ask to change the address.
[AccountPermission(Permissions.AccountView)]
public sealed class CompanyModel(PorticoDb db, AccountContext account, ChangeCompanyAddress changeAddress, WriteBacks writeBacks,
    ChangeSummaries summaries, IStringLocalizer<CompanyModel> text) : PageModel
{
    public string Name { get; private set; } = "";
    public CompanyAddress? Address { get; private set; }
    public string? AccountManager { get; private set; }
    public string? PendingAddressChange { get; private set; }
    /// The latest address change sent to the account's system of record while it waits or when it did not go through.
    public WriteBackView? WriteBack { get; private set; }
    public bool CanManage => account.Permissions.Contains(Permissions.AccountManage);
    public string? Notice { get; private set; }

    [BindProperty]
    public AddressForm Form { get; set; } = new();

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done;
        await LoadAsync(ct);
        if (Address is { } a)
        {
            Form = new AddressForm { Lines = a.Lines, City = a.City, PostalCode = a.PostalCode, Country = a.Country };
        }
    }

    public async Task<IActionResult> OnPostAddressAsync(CancellationToken ct)
    {
        if (!CanManage)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(ct);
            return Page();
        }
        var outcome = await changeAddress.RequestAsync(account.Id, Form.ToAddress(), new Requester(User.UserId()!.Value, RequestAccess.DisplayName(User)), ct);
        return await outcome.ToPageResultAsync(this, () => Done(text["Address saved."]), async () =>
        {
            await LoadAsync(ct);
            return true;
        }, onPending: Done);
    }

    private RedirectResult Done(string notice) => Redirect($"/a/{account.Id}/company?done={Uri.EscapeDataString(notice)}");

    private async Task LoadAsync(CancellationToken ct)
    {
        var company = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == account.Id, ct);
        Name = company.Name;
        Address = company.Address;
        AccountManager = company.AccountManagerId is { } managerId
            ? await db.Users.AsNoTracking().Where(u => u.Id == managerId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct)
            : null;
        PendingAddressChange = await db.ChangeRequests.AsNoTracking()
            .Where(c => c.Type == ChangeTypes.Address && c.Status == ChangeStatus.Pending).Select(c => new { c.Type, c.Payload }).FirstOrDefaultAsync(ct)
            is { } pending ? summaries.Describe(pending.Type, pending.Payload) : null;
        WriteBack = await writeBacks.LatestAsync(account.Id, SyncedObjectTypes.Accounts, ct);
    }
}
