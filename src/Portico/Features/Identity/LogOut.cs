namespace Portico.Features.Identity;

/// Signs the person out of this browser, recorded in the audit log while it still knows who they are.
public sealed class LogOut(SignInManager<PorticoUser> signIn, AuditLog audit, PorticoDb db)
{
    public async Task RunAsync(CancellationToken ct)
    {
        audit.Record(AuditActions.LoggedOut);
        await db.SaveChangesAsync(ct);
        await signIn.SignOutAsync();
    }
}
