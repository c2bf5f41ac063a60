namespace Portico.Features.Help;

/// The help centre: every article the member may read by category, or those matching a search, best first. The
/// suggestions handler answers the new-request form's script with the few articles matching a title being typed.
[AccountPermission(Permissions.AccountView)]
public sealed class IndexModel(CustomerHelp help, IStringLocalizer<IndexModel> text) : PageModel
{
    public const int MaxQueryLength = 200;
    public const int ResultCount = 25;

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    public List<ArticleSummary> Articles { get; private set; } = [];
    public bool Searched => !string.IsNullOrWhiteSpace(Q);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Q?.Length > MaxQueryLength)
        {
            ModelState.AddModelError(nameof(Q), text["Search for at most {0} characters.", MaxQueryLength]);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Articles = Searched ? await help.SearchAsync(Q, ResultCount, ct) : await help.AllAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnGetSuggestionsAsync(CancellationToken ct)
    {
        if (Q?.Length > MaxQueryLength)
        {
            return BadRequest();
        }
        return Partial("_Suggestions", await help.SearchAsync(Q, CustomerHelp.SuggestionCount, ct));
    }
}
