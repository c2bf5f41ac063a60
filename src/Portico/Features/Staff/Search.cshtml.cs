namespace Portico.Features.Staff;

/// One search over the console's records. Each staff role gets only the kinds its pages show: Agents no invoices or
/// orders, Finance no requests; a kind the role may not see is not queried at all.
[Authorize(Policy = Policies.Staff)]
public sealed class SearchModel(StaffSearch search, IAuthorizationService authorization, IStringLocalizer<StaffSearch> text) : PageModel
{
    public string? Q { get; private set; }

    public SearchResults? Results { get; private set; }

    public string? Error => ModelState.Refusal();

    public async Task OnGetAsync(string? q, CancellationToken ct)
    {
        Q = q?.Trim();
        // Opening the page without a query shows only the box.
        if (string.IsNullOrEmpty(Q))
        {
            return;
        }
        if (StaffSearch.Refusal(Q, text) is { } refusal)
        {
            ModelState.AddModelError(string.Empty, refusal);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            // A refused query is not echoed back whole into the box.
            Q = Q[..Math.Min(Q.Length, StaffSearch.MaxLength)];
            return;
        }
        var kinds = new SearchKinds(
            Requests: (await authorization.AuthorizeAsync(User, HttpContext, Policies.StaffRequests)).Succeeded,
            Billing: (await authorization.AuthorizeAsync(User, HttpContext, Policies.StaffBilling)).Succeeded);
        Results = await search.RunAsync(Q, kinds, ct);
    }
}
