namespace Portico.Features.Accounts;

/// What staff set on an account from the console: whether its members need two-factor sign-in, whether it is a key
/// account, and its account manager.
public sealed class AccountPolicies(PorticoDb db, AuditLog audit, IStringLocalizer<AccountPolicies> text)
{
    public Task<Outcome> RequireMfaAsync(Guid accountId, bool required, CancellationToken ct) =>
        SetAsync(accountId, a => a.RequireMfa == required, a => a.SetRequireMfa(required), AuditActions.AccountMfaPolicyChanged, new { require_mfa = required }, ct);

    /// Insights show how many key accounts use the portal beside all accounts.
    public Task<Outcome> MarkKeyAsync(Guid accountId, bool key, CancellationToken ct) =>
        SetAsync(accountId, a => a.IsKey == key, a => a.MarkKey(key), AuditActions.AccountKeyChanged, new { key }, ct);

    /// Setting what is already so changes nothing and leaves nothing in the audit log.
    private async Task<Outcome> SetAsync(Guid accountId, Func<Account, bool> alreadySo, Action<Account> set, string action, object details, CancellationToken ct)
    {
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return Outcome.NotFound;
        }
        if (!alreadySo(account))
        {
            set(account);
            audit.Record(action, accountId, "Account", accountId.ToString(), details);
            await db.SaveChangesAsync(ct);
        }
        return Outcome.Done;
    }

    /// The account manager approves the account's changes that rules route to them.
    public async Task<Outcome> AssignManagerAsync(Guid accountId, Guid? managerId, CancellationToken ct)
    {
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return Outcome.NotFound;
        }
        if (managerId is { } staffId && !await db.Users.AnyAsync(u => u.Id == staffId && u.StaffRole != null, ct))
        {
            return Outcome.Refused(text["Choose a staff member as account manager."]);
        }
        var before = account.AccountManagerId;
        account.AssignManager(managerId);
        audit.Record(AuditActions.AccountManagerChanged, accountId, "Account", accountId.ToString(), new { from = before, to = managerId });
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }
}
