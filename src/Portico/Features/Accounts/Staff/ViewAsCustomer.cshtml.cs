namespace Portico.Features.Accounts.Staff;

/// Starts a read-only view of the portal as one member of the account (Admins and Agents; Finance works invoices, not
/// customers' screens). The form also sits on the staff account page; refusals come back here with the form filled in.
[Authorize(Policy = Policies.StaffRequests)]
public sealed class ViewAsCustomerModel(PorticoDb db, StartCustomerView start, CustomerViewCookie cookie) : PageModel
{
    public string AccountName { get; private set; } = "";

    /// A refusal that is not about one field (the form shows those next to the field).
    public string? Error => ModelState.FieldRefusals().Count == 0 ? ModelState.Refusal() : null;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, Guid? memberId, string? reason, CancellationToken ct)
    {
        var outcome = await start.RunAsync(id, memberId, reason, User, ct);
        return await outcome.ToPageResultAsync(this, view =>
        {
            cookie.Write(HttpContext, view.Id);
            return Redirect($"/a/{view.AccountId}");
        }, () => LoadAsync(id, ct));
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        AccountName = await db.Accounts.Where(a => a.Id == id).Select(a => a.Name).FirstOrDefaultAsync(ct) ?? "";
        return AccountName.Length > 0;
    }
}
