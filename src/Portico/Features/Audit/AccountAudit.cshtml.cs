namespace Portico.Features.Audit;

[AccountPermission(Permissions.AuditView)]
public sealed class AccountAuditModel(SearchAuditEvents search, AccountContext account) : PageModel
{
    public AuditPage Events { get; private set; } = AuditPage.Empty;

    public async Task OnGetAsync(long? before, CancellationToken cancellationToken) =>
        Events = await search.RunAsync(new AuditQuery(AccountId: account.AccountId, Before: before), cancellationToken);
}
