using Portico.Features.Audit;

namespace Portico.Features.Identity;

public sealed class LogoutModel(LogOut logOut) : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await logOut.RunAsync(cancellationToken);
        return Redirect("/login");
    }
}
