namespace Portico.Tenancy;

/// Marks an entity that belongs to one customer account; the DbContext filters it centrally.
public interface IAccountOwned
{
    Guid AccountId { get; }
}

/// A membership the account scope verified: the signed-in person belongs to the account, with this role, now. Or, while
/// a staff member views the portal as a customer (ViewedByStaff), the viewed member's membership: UserId is then the
/// member's, whose role and own data the pages show, while the signed-in person (and so the audited actor) stays the staff
/// member, and TwoFactorEnabled is the staff member's, whose sign-in it describes.
public sealed record VerifiedMembership(Guid AccountId, Guid MembershipId, string RoleName, IReadOnlySet<string> Permissions, bool RequiresMfa,
    bool TwoFactorEnabled, Guid UserId, bool ViewedByStaff = false);

/// The account the current request acts in, set once from a verified membership; or, before the scope opens its
/// database, cross-account work (staff endpoints, background work), whose database has no account filter.
/// Everything else only reads it. Unset means "no account": account-owned queries then return nothing (fail closed).
public sealed class AccountContext
{
    public Guid? AccountId { get; private set; }

    /// The verified account, for pages and endpoints behind an account permission: the only account id they act on,
    /// so no form, query or body value can point them at another account.
    public Guid Id => AccountId ?? throw new InvalidOperationException("No account was verified for this request.");

    public VerifiedMembership? Membership { get; private set; }
    public Guid? MembershipId => Membership?.MembershipId;
    public string? RoleName => Membership?.RoleName;
    public IReadOnlySet<string> Permissions => Membership?.Permissions ?? EmptyPermissions;
    /// The account asks its members for two-factor sign-in; read with the membership, so pages need not ask again.
    public bool RequiresMfa => Membership?.RequiresMfa ?? false;

    private static readonly IReadOnlySet<string> EmptyPermissions = new HashSet<string>();

    /// Staff endpoints, background work and commands read across accounts on purpose: they say so before the scope opens
    /// its database, whose model then has no account filter. Account work that must look past its account (is this
    /// email already a member elsewhere?) asks query by query instead (AcrossAccounts).
    public bool CrossAccount { get; private set; }

    private bool databaseOpened;

    public void EnterAccount(VerifiedMembership membership)
    {
        if (AccountId is not null)
        {
            throw new InvalidOperationException("A request acts in one account only, entered once.");
        }
        AccountId = membership.AccountId;
        Membership = membership;
    }

    /// Work on one account outside a person's request (tests, background work), with no membership behind it.
    public void EnterAccountWithoutMember(Guid accountId)
    {
        if (AccountId is not null)
        {
            throw new InvalidOperationException("A request acts in one account only, entered once.");
        }
        AccountId = accountId;
    }

    /// The signed-in person's active accounts, when the account scope has already read them this request.
    public IReadOnlyList<Features.Shared.AccountChoice>? AccountsOfUser { get; private set; }

    public void KnowAccountsOfUser(IReadOnlyList<Features.Shared.AccountChoice> accounts) => AccountsOfUser = accounts;

    public void EnterCrossAccount()
    {
        if (databaseOpened)
        {
            throw new InvalidOperationException("Enter cross-account work before the scope opens its database: its model is chosen then.");
        }
        CrossAccount = true;
    }

    /// Called once by the scope's DbContext, which keeps the answer for its lifetime.
    internal bool OpenDatabase()
    {
        databaseOpened = true;
        return CrossAccount;
    }
}

public static class AccountFilter
{
    /// The query filter that keeps account-owned rows to the scope's account.
    public const string Name = "Account";

    /// Reads every account's rows in this one query, in a scope that otherwise keeps to its account.
    public static IQueryable<T> AcrossAccounts<T>(this IQueryable<T> query) where T : class =>
        query.IgnoreQueryFilters([Name]);
}
