using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portico.Features.Audit;
using Portico.Data;

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
