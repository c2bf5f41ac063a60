using Portico.Features.Insights;

namespace Portico.Features.Help;

/// One article as the member reads it; reading it, marking it helpful and leaving the request form because it
/// answered the question are each counted as a key event.
[AccountPermission(Permissions.AccountView)]
public sealed class ArticleModel(CustomerHelp help, AccountContext account, IStringLocalizer<ArticleModel> text) : PageModel
{
    public HelpArticle Article { get; private set; } = null!;
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, string? done, CancellationToken ct)
    {
        var article = await help.FindAsync(slug, ct);
        if (article is null)
        {
            return NotFound();
        }
        Article = article;
        Notice = done switch
        {
            "helpful" => text["Thank you for telling us."].Value,
            "answered" => text["Glad it answered your question. No request was created."].Value,
            _ => null,
        };
        if (Notice is null)
        {
            await help.RecordAsync(slug, KeyEventKind.ArticleViewed, ct);
        }
        return Page();
    }

    public Task<IActionResult> OnPostHelpfulAsync(string slug, CancellationToken ct) => RecordAsync(slug, KeyEventKind.ArticleHelpful, "helpful", ct);

    /// Only from the new-request form, so only for those who may submit requests.
    public Task<IActionResult> OnPostAnsweredAsync(string slug, CancellationToken ct) =>
        account.Permissions.Contains(Permissions.RequestsCreate)
            ? RecordAsync(slug, KeyEventKind.RequestFormDeflected, "answered", ct)
            : Task.FromResult<IActionResult>(StatusCode(StatusCodes.Status403Forbidden));

    private async Task<IActionResult> RecordAsync(string slug, KeyEventKind kind, string done, CancellationToken ct) =>
        await (await help.RecordAsync(slug, kind, ct)).ToPageResultAsync(this,
            () => Redirect($"/a/{account.Id}/help/{Uri.EscapeDataString(slug)}?done={done}"), () => Task.FromResult(false));
}
