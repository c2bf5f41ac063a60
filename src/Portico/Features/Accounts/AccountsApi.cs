using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Features.Contacts;

namespace Portico.Features.Accounts;

public sealed record MeDto(Guid Id, string? Email, string? DisplayName, string? StaffRole, IReadOnlyList<AccountChoice> Accounts);

public sealed record MembershipDto(Guid Id, Guid UserId, string Name, string Email, string Role, DateTime? ExpiresAt);

public static class AccountsApi
{
    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").WithTags("Accounts");

        api.MapGet("/me", async Task<Ok<MeDto>> (HttpContext http, PorticoDb db, TimeProvider clock, CancellationToken ct) =>
        {
            var user = http.User;
            var accounts = await PortalShell.ActiveAccountsAsync(db, user.UserId()!.Value, clock.GetUtcNow().UtcDateTime, ct);
            return TypedResults.Ok(new MeDto(user.UserId()!.Value, user.Identity?.Name, user.FindFirst("portico:display_name")?.Value,
                user.FindFirst(StaffHandler.StaffRoleClaim)?.Value, accounts));
        }).WithName("GetMe").WithSummary("The signed-in user and the accounts they can act in.");

        var account = api.MapGroup("/accounts/{accountId:guid}");
        account.MapGet("/memberships", async Task<Ok<List<MembershipDto>>> (Guid accountId, ListContacts contacts, CancellationToken ct) =>
        {
            var rows = await contacts.RunAsync(ct);
            return TypedResults.Ok(rows.Select(c => new MembershipDto(c.MembershipId, c.UserId, c.Name, c.Email, c.Role, c.ExpiresAt)).ToList());
        }).RequireAccountPermission(Permissions.ContactsView)
          .WithName("ListMemberships").WithSummary("People with access to the account.");

        return api;
    }
}
