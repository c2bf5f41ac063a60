namespace Portico.Features.Help.Staff;

/// Writes one article: saving keeps a draft, publishing shows it to its readers and keeps the version.
[Authorize(Policy = Policies.StaffRequests)]
public sealed class EditArticleModel(PorticoDb db, ManageHelp manage, IStringLocalizer<EditArticleModel> text) : PageModel
{
    [BindProperty] public ArticleInput Form { get; set; } = new();
    public HelpArticle? Article { get; private set; }
    public List<HelpCategory> Categories { get; private set; } = [];
    public List<(Guid Id, string Name)> Accounts { get; private set; } = [];
    public List<string> Roles { get; private set; } = [];
    public List<HelpArticleVersion> Versions { get; private set; } = [];
    public Dictionary<string, string> Errors => ModelState.FieldRefusals();
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? articleId, string? done, CancellationToken ct)
    {
        if (!await LoadAsync(articleId, ct))
        {
            return NotFound();
        }
        if (Article is { } a)
        {
            Form = new ArticleInput
            {
                CategoryId = a.CategoryId, Title = a.DraftTitle, Body = a.DraftBody, Language = a.Language, Audience = a.Audience,
                AccountIds = a.Readers.Where(r => r.AccountId != null).Select(r => r.AccountId!.Value).ToList(),
                Roles = a.Readers.Where(r => r.RoleName != null).Select(r => r.RoleName!).ToList(),
            };
        }
        Notice = done switch { "saved" => text["Draft saved."].Value, "published" => text["Published."].Value, _ => null };
        return Page();
    }

    public Task<IActionResult> OnPostAsync(Guid? articleId, CancellationToken ct) => SaveAsync(articleId, publish: false, ct);

    public Task<IActionResult> OnPostPublishAsync(Guid? articleId, CancellationToken ct) => SaveAsync(articleId, publish: true, ct);

    private async Task<IActionResult> SaveAsync(Guid? articleId, bool publish, CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            // Values that do not bind (an unknown audience) are refused like the rest.
            await LoadAsync(articleId, ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var outcome = await manage.SaveAsync(articleId, Form, publish, ct);
        return await outcome.ToPageResultAsync(this, a => Redirect($"/staff/help/edit/{a.Id}?done={(publish ? "published" : "saved")}"),
            () => LoadAsync(articleId, ct));
    }

    private async Task<bool> LoadAsync(Guid? articleId, CancellationToken ct)
    {
        Categories = await manage.CategoriesAsync(ct);
        Roles = await db.Roles.AsNoTracking().OrderBy(r => r.Name).Select(r => r.Name).ToListAsync(ct);
        // Chosen accounts first, then the rest by name; a long list is narrowed by the browser's find.
        Accounts = (await db.Accounts.AsNoTracking().OrderBy(a => a.Name).Select(a => new { a.Id, a.Name }).Take(500).ToListAsync(ct))
            .Select(a => (a.Id, a.Name)).ToList();
        if (articleId is not { } id)
        {
            return true;
        }
        Article = await db.HelpArticles.AsNoTracking().Include(a => a.Readers).SingleOrDefaultAsync(a => a.Id == id, ct);
        if (Article is null)
        {
            return false;
        }
        var chosen = Article.Readers.Where(r => r.AccountId != null).Select(r => r.AccountId!.Value).Concat(Form.AccountIds).ToHashSet();
        var missing = chosen.Except(Accounts.Select(a => a.Id)).ToList();
        if (missing.Count > 0)
        {
            Accounts.InsertRange(0, (await db.Accounts.AsNoTracking().Where(a => missing.Contains(a.Id)).Select(a => new { a.Id, a.Name }).ToListAsync(ct))
                .Select(a => (a.Id, a.Name)));
        }
        Versions = await db.HelpArticleVersions.AsNoTracking().Where(v => v.ArticleId == id).OrderByDescending(v => v.Number).ToListAsync(ct);
        return true;
    }
}
