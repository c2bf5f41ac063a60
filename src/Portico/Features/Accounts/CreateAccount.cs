using Portico.Features.Contacts;

namespace Portico.Features.Accounts;

/// A staff Admin creates an account with the invitation of its first Owner, in one transaction, so an account
/// never exists without someone asked to own it.
public sealed class CreateAccount(PorticoDb db, ManageContacts manage, AuditLog audit, TimeProvider clock, IStringLocalizer<CreateAccount> text)
{
    public const int MaxNameLength = 200;

    public async Task<Outcome<Account>> RunAsync(string name, string? ownerEmail, string staffName, CancellationToken ct)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            return Outcome.Refused(text["Give the account a name (at most {0} characters).", MaxNameLength]);
        }
        var ownerRoleId = await db.Roles.Where(r => r.Name == BuiltInRoles.Owner && r.IsBuiltIn).Select(r => r.Id).SingleAsync(ct);
        var account = new Account(name, clock.GetUtcNow().UtcDateTime);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Accounts.Add(account);
        audit.Record(AuditActions.AccountCreated, account.Id, "Account", account.Id.ToString(), new { name, owner = ownerEmail });
        await db.SaveChangesAsync(ct);
        // The same invitation as on the account's page.
        var invited = await manage.InviteAsync(account.Id, ownerEmail, ownerRoleId, null, new ManageContacts.Actor(staffName, null), ct);
        if (!invited.Succeeded)
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return Outcome.Refused(invited.Message ?? text["The Owner could not be invited."]);
        }
        await transaction.CommitAsync(ct);
        return account;
    }
}
