namespace Portico.Features.Help.Staff;

public sealed record StaffArticleRow(Guid Id, string Title, string CategoryName, string Language, ArticleAudience Audience, int PublishedVersion,
    bool Unpublished, DateTime UpdatedAt);

/// The help centre as staff write it: every article, published or not, and the categories.
[Authorize(Policy = Policies.StaffRequests)]
public sealed class ArticlesModel(PorticoDb db, ManageHelp manage, IStringLocalizer<ArticlesModel> text) : PageModel
{
    public List<StaffArticleRow> Articles { get; private set; } = [];
    public List<HelpCategory> Categories { get; private set; } = [];
    [BindProperty] public string? Name { get; set; }
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done == "category" ? text["Category added."].Value : null;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCategoryAsync(CancellationToken ct) =>
        await (await manage.AddCategoryAsync(Name, ct)).ToPageResultAsync(this, () => Redirect("/staff/help?done=category"), async () =>
        {
            await LoadAsync(ct);
            return true;
        });

    private async Task LoadAsync(CancellationToken ct)
    {
        Categories = await manage.CategoriesAsync(ct);
        Articles = await db.HelpArticles.AsNoTracking().OrderBy(a => a.Category.Name).ThenBy(a => a.DraftTitle)
            .Select(a => new StaffArticleRow(a.Id, a.DraftTitle, a.Category.Name, a.Language, a.Audience, a.PublishedVersion,
                a.PublishedVersion == 0 || a.DraftTitle != a.Title || a.DraftBody != a.Body, a.UpdatedAt))
            .ToListAsync(ct);
    }
}
