namespace Portico.Features.Accounts;

/// A person moves to another of their accounts. Only a convenience: every account page checks membership again
/// from its route. An attempt at an account they do not belong to is recorded.
public sealed class SwitchAccount(PorticoDb db, AuditLog audit, TimeProvider clock)
{
    public async Task<Outcome<AccountChoice>> SwitchAsync(Guid userId, string? accountId, CancellationToken ct)
    {
        var accounts = await PortalShell.ActiveAccountsAsync(db, userId, clock.GetUtcNow().UtcDateTime, ct);
        var target = Guid.TryParse(accountId, out var id) ? accounts.FirstOrDefault(a => a.AccountId == id) : null;
        if (target is null)
        {
            audit.Record(AuditActions.AccessDenied, targetType: "Account", targetId: accountId?.Length > 100 ? accountId[..100] : accountId,
                details: new { reason = "switch_to_account_without_membership" });
            await db.SaveChangesAsync(ct);
            return Outcome.NotFound;
        }
        audit.Record(AuditActions.AccountSwitched, target.AccountId, "Account", target.AccountId.ToString());
        await db.SaveChangesAsync(ct);
        return target;
    }
}
