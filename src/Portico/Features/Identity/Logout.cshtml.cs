namespace Portico.Features.Identity;

/// Signing out is allowed while a staff member views the portal as a customer: it ends that view first.
[LeavesCustomerView]
public sealed class LogoutModel(LogOut logOut, EndCustomerView endView, CustomerViewCookie viewCookie) : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (HttpContext.Features.Get<ActiveCustomerView>() is { } view)
        {
            viewCookie.Delete(HttpContext);
            await endView.RunAsync(view.Id, CustomerViewEndReasons.SignedOut, cancellationToken);
        }
        await logOut.RunAsync(cancellationToken);
        return Redirect("/login");
    }
}
