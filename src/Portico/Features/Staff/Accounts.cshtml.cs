using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Staff;

public sealed record AccountRow(Guid Id, string Name, string? ExternalId, int Members);

[Authorize(Policy = Policies.Staff)]
public sealed class AccountsModel(PorticoDb db) : PageModel
{
    public IReadOnlyList<AccountRow> Accounts { get; private set; } = [];

    public string? Q { get; private set; }

    public async Task OnGetAsync(string? q, CancellationToken cancellationToken)
    {
        Q = q?.Trim();
        var accounts = db.Accounts.AsNoTracking();
        if (!string.IsNullOrEmpty(Q))
        {
            accounts = accounts.Where(a => a.Name.Contains(Q) || a.ExternalId == Q);
        }
        Accounts = await accounts.OrderBy(a => a.Name).Take(200)
            .Select(a => new AccountRow(a.Id, a.Name, a.ExternalId, db.Memberships.Count(m => m.AccountId == a.Id)))
            .ToListAsync(cancellationToken);
    }
}
