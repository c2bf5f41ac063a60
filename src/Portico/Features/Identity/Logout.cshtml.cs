using Portico.Features.Audit;

namespace Portico.Features.Identity;

public sealed class LogoutModel(SignInManager<PorticoUser> signIn, AuditLog audit, PorticoDb db) : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        audit.Record(AuditActions.LoggedOut);
        await db.SaveChangesAsync(cancellationToken);
        await signIn.SignOutAsync();
        return Redirect("/login");
    }
}
