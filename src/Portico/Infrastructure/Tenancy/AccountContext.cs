namespace Portico.Infrastructure.Tenancy;

/// Marks an entity that belongs to one customer account; the DbContext filters it centrally.
public interface IAccountOwned
{
    Guid AccountId { get; }
}

/// The account the current request acts in, set only after membership was verified.
/// Unset means "no account": account-owned queries then return nothing (fail closed).
public sealed class AccountContext
{
    public Guid? AccountId { get; private set; }

    /// The verified account, for pages and endpoints behind an account permission: the only account id they act on,
    /// so no form, query or body value can point them at another account.
    public Guid Id => AccountId ?? throw new InvalidOperationException("No account was verified for this request.");
    public Guid? MembershipId { get; private set; }
    public string? RoleName { get; private set; }
    public IReadOnlySet<string> Permissions { get; private set; } = new HashSet<string>();
    /// The account asks its members for two-factor sign-in; read with the membership, so pages need not ask again.
    public bool RequiresMfa { get; private set; }

    /// Staff console and background work read across accounts on purpose.
    public bool CrossAccount { get; private set; }

    public void EnterAccount(Guid accountId, Guid? membershipId, string? roleName, IReadOnlySet<string> permissions, bool requiresMfa = false)
    {
        if (AccountId is not null && AccountId != accountId)
        {
            throw new InvalidOperationException("A request acts in one account only.");
        }
        AccountId = accountId;
        MembershipId = membershipId;
        RoleName = roleName;
        Permissions = permissions;
        RequiresMfa = requiresMfa;
    }

    /// The signed-in person's active accounts, when the membership check has already read them this request.
    public IReadOnlyList<Features.Shared.AccountChoice>? AccountsOfUser { get; private set; }

    public void KnowAccountsOfUser(IReadOnlyList<Features.Shared.AccountChoice> accounts) => AccountsOfUser = accounts;

    public void EnterCrossAccount() => CrossAccount = true;
}
