using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Features.Audit;
using Portico.Features.Contacts;
using Portico.Features.Identity;
using Portico.Features.Requests;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Tenancy;

namespace Portico.Features.Staff;

public sealed record AccountRow(Guid Id, string Name, string? ExternalId, int Members);

/// Every staff role finds accounts here; Admins also create one, with the invitation of its first Owner, as the
/// first account of a new installation and any account that no system of record brings.
[Authorize(Policy = Policies.Staff)]
public sealed class AccountsModel(PorticoDb db, ManageContacts manage, AuditLog audit, TimeProvider clock) : PageModel
{
    public const int MaxNameLength = 200;

    public IReadOnlyList<AccountRow> Accounts { get; private set; } = [];

    public string? Q { get; private set; }

    public bool CanCreate => User.HasStaffRole(StaffRole.Admin);

    public string? Error { get; private set; }

    public string? NewName { get; private set; }

    public string? NewOwnerEmail { get; private set; }

    public async Task OnGetAsync(string? q, CancellationToken cancellationToken) => await LoadAsync(q, cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? ownerEmail, CancellationToken ct)
    {
        if (!CanCreate)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        (NewName, NewOwnerEmail) = (name?.Trim() ?? "", ownerEmail?.Trim());
        if (NewName.Length is 0 or > MaxNameLength)
        {
            return await RefusedAsync($"Give the account a name (at most {MaxNameLength} characters).", ct);
        }
        var ownerRoleId = await db.Roles.Where(r => r.Name == BuiltInRoles.Owner && r.IsBuiltIn).Select(r => r.Id).SingleAsync(ct);
        var account = new Account(NewName, clock.GetUtcNow().UtcDateTime);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Accounts.Add(account);
        audit.Record(AuditActions.AccountCreated, account.Id, "Account", account.Id.ToString(), new { name = NewName, owner = NewOwnerEmail });
        await db.SaveChangesAsync(ct);
        // The same invitation as on the account's page, so an account never exists without someone asked to own it.
        var invited = await manage.InviteAsync(account.Id, NewOwnerEmail, ownerRoleId, null, new ManageContacts.Actor(RequestAccess.DisplayName(User), null), ct);
        if (!invited.Succeeded)
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return await RefusedAsync(invited.Message ?? "The Owner could not be invited.", ct);
        }
        await transaction.CommitAsync(ct);
        TempData["Notice"] = $"Account {account.Name} created. {NewOwnerEmail} was invited as its Owner.";
        return Redirect($"/staff/accounts/{account.Id}");
    }

    private async Task<IActionResult> RefusedAsync(string error, CancellationToken ct)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(null, ct);
        return Page();
    }

    private async Task LoadAsync(string? q, CancellationToken cancellationToken)
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
