namespace Portico.Features.Requests;

/// Which of the account's requests the current member sees: all of them with requests.view_all
/// (Owner, Auditor), otherwise their own and those shared with the account.
public sealed class RequestAccess(PorticoDb db, AccountContext account, IHttpContextAccessor http)
{
    /// The member the account scope verified (the signed-in person, or the member staff view the portal as); on staff
    /// pages, which have no membership, the signed-in person.
    public Guid UserId => account.Membership?.UserId ?? http.HttpContext?.User.UserId() ?? throw new InvalidOperationException("No signed-in user.");

    public string UserName => DisplayName(http.HttpContext?.User);

    public bool SeesAll => account.Permissions.Contains(Permissions.RequestsViewAll);

    public bool CanAct => account.Permissions.Contains(Permissions.RequestsCreate);

    public IQueryable<Request> Visible()
    {
        var userId = UserId;
        return SeesAll ? db.Requests : db.Requests.Where(r => r.SubmitterId == userId || r.SharedWithAccount);
    }

    public static string DisplayName(ClaimsPrincipal? user) =>
        user?.FindFirst("portico:display_name")?.Value is { Length: > 0 } name ? name : user?.Identity?.Name ?? "Someone";
}
