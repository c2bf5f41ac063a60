namespace Portico.Features.Accounts.Staff;

/// Ends the signed-in staff member's view of the portal as a customer: the one change allowed while it is open.
[Authorize(Policy = Policies.Staff)]
[LeavesCustomerView]
public sealed class LeaveCustomerViewModel(EndCustomerView end, CustomerViewCookie cookie) : PageModel
{
    public ActiveCustomerView? View { get; private set; }

    public void OnGet() => View = HttpContext.Features.Get<ActiveCustomerView>();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        cookie.Delete(HttpContext);
        // Only a view of the signed-in staff member's own is ever here (the view middleware checks); any other id did nothing.
        if (HttpContext.Features.Get<ActiveCustomerView>() is not { } view)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        await end.RunAsync(view.Id, CustomerViewEndReasons.Left, ct);
        return Redirect($"/staff/accounts/{view.AccountId}");
    }
}
