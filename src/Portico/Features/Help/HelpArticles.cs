using Portico.Features.Insights;

namespace Portico.Features.Help;

public sealed record ArticleSummary(Guid Id, string Slug, string Title, string CategoryName, string Language, string Excerpt);

/// What customers read: published articles whose audience includes the account in scope or the member's role, decided
/// in the query, so an article for another account or role is never loaded for them.
public sealed class CustomerHelp(PorticoDb db, AccountContext account, KeyEvents keyEvents)
{
    public const int SuggestionCount = 5;
    private const int ExcerptLength = 160;

    public IQueryable<HelpArticle> Visible()
    {
        var accountId = account.Id;
        var role = account.RoleName ?? "";
        return db.HelpArticles.AsNoTracking().Where(a => a.PublishedVersion > 0 && (a.Audience == ArticleAudience.Everyone
            || (a.Audience == ArticleAudience.Accounts && a.Readers.Any(r => r.AccountId == accountId))
            || (a.Audience == ArticleAudience.Roles && a.Readers.Any(r => r.RoleName == role))));
    }

    /// Every visible article, by category and title.
    public async Task<List<ArticleSummary>> AllAsync(CancellationToken ct) =>
        (await Summaries(Visible()).ToListAsync(ct)).OrderBy(a => a.CategoryName).ThenBy(a => a.Title).ToList();

    /// Visible articles matching the query, best first.
    public async Task<List<ArticleSummary>> SearchAsync(string? query, int limit, CancellationToken ct)
    {
        // Ranked among all published articles first; a few more than asked for, as some may not be visible here.
        var ranked = await HelpSearch.RankedAsync(db, query, limit * 4 + 20, ct);
        if (ranked.Count == 0)
        {
            return [];
        }
        var found = await Summaries(Visible().Where(a => ranked.Contains(a.Id))).ToListAsync(ct);
        return found.OrderBy(a => ranked.IndexOf(a.Id)).Take(limit).ToList();
    }

    // Substring here is translated to SQL, where spans do not exist.
#pragma warning disable CA1845
    private static IQueryable<ArticleSummary> Summaries(IQueryable<HelpArticle> articles) =>
        articles.Select(a => new ArticleSummary(a.Id, a.Slug, a.Title, a.Category.Name, a.Language,
            a.SearchText.Length > ExcerptLength ? a.SearchText.Substring(0, ExcerptLength) + "…" : a.SearchText));
#pragma warning restore CA1845

    public Task<HelpArticle?> FindAsync(string slug, CancellationToken ct) =>
        Visible().Include(a => a.Category).SingleOrDefaultAsync(a => a.Slug == slug, ct);

    /// Records a view, a "helpful" mark or a request form left because the article answered the question;
    /// NotFound for an article the member may not read.
    public async Task<Outcome> RecordAsync(string slug, KeyEventKind kind, CancellationToken ct)
    {
        if (!await Visible().AnyAsync(a => a.Slug == slug, ct))
        {
            return Outcome.NotFound;
        }
        await keyEvents.RecordNowAsync(kind, account.Id, ct);
        return Outcome.Done;
    }
}

/// What staff write: categories, article drafts and their publishing. Every change is audited.
public sealed class ManageHelp(PorticoDb db, AuditLog audit, IHttpContextAccessor http, TimeProvider clock, IStringLocalizer<ManageHelp> text)
{
    public const string TitleKey = "Title";
    public const string BodyKey = "Body";
    public const string CategoryKey = "CategoryId";
    public const string LanguageKey = "Language";
    public const string ReadersKey = "Readers";

    public Task<List<HelpCategory>> CategoriesAsync(CancellationToken ct) => db.HelpCategories.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);

    public async Task<Outcome> AddCategoryAsync(string? name, CancellationToken ct)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length == 0 || clean.Length > HelpCategory.NameMaxLength)
        {
            return NameRefused(text["Give the category a name of 1 to {0} characters.", HelpCategory.NameMaxLength]);
        }
        var taken = NameRefused(text["There is already a category named {0}.", clean]);
        if (await db.HelpCategories.AnyAsync(c => c.Name == clean, ct))
        {
            return taken;
        }
        var category = new HelpCategory(clean, clock.GetUtcNow().UtcDateTime);
        db.HelpCategories.Add(category);
        audit.Record(AuditActions.HelpCategoryCreated, targetType: nameof(HelpCategory), targetId: category.Id.ToString(), details: new { name = clean });
        return await db.SaveUnlessTakenAsync(ct) ? Outcome.Done : taken;
    }

    /// Saves the draft of a new article (articleId null) or an existing one; publishes it too when asked.
    public async Task<Outcome<HelpArticle>> SaveAsync(Guid? articleId, ArticleInput input, bool publish, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        var title = input.Title?.Trim() ?? "";
        var body = input.Body?.Trim().ReplaceLineEndings("\n") ?? "";
        var language = string.IsNullOrWhiteSpace(input.Language) ? HelpArticle.DefaultLanguage : input.Language.Trim();
        if (title.Length == 0)
        {
            errors[TitleKey] = text["Give the article a title."];
        }
        else if (title.Length > HelpArticle.TitleMaxLength)
        {
            errors[TitleKey] = text["A title can be at most {0} characters.", HelpArticle.TitleMaxLength];
        }
        if (body.Length == 0)
        {
            errors[BodyKey] = text["Write the article's text."];
        }
        else if (body.Length > HelpArticle.BodyMaxLength)
        {
            errors[BodyKey] = text["An article can be at most {0:N0} characters.", HelpArticle.BodyMaxLength];
        }
        if (!System.Text.RegularExpressions.Regex.IsMatch(language, "^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$"))
        {
            errors[LanguageKey] = text["Give a language code such as en, de or pt-BR."];
        }
        if (input.CategoryId is not { } categoryId || !await db.HelpCategories.AnyAsync(c => c.Id == categoryId, ct))
        {
            errors[CategoryKey] = text["Choose one of the categories."];
        }
        var accountIds = input.AccountIds.Distinct().ToList();
        var roles = input.Roles.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct().ToList();
        if (input.Audience == ArticleAudience.Accounts)
        {
            if (accountIds.Count == 0 || await db.Accounts.CountAsync(a => accountIds.Contains(a.Id), ct) != accountIds.Count)
            {
                errors[ReadersKey] = text["Choose at least one account, from the list."];
            }
        }
        else if (input.Audience == ArticleAudience.Roles)
        {
            if (roles.Count == 0 || await db.Roles.CountAsync(r => roles.Contains(r.Name), ct) != roles.Count)
            {
                errors[ReadersKey] = text["Choose at least one role, from the list."];
            }
        }
        else if (input.Audience != ArticleAudience.Everyone)
        {
            errors[ReadersKey] = text["Choose who may read the article."];
        }
        if (errors.Count > 0)
        {
            return Outcome.Refused(errors.Values.First(), errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        HelpArticle? article;
        if (articleId is { } id)
        {
            article = await db.HelpArticles.Include(a => a.Readers).SingleOrDefaultAsync(a => a.Id == id, ct);
            if (article is null)
            {
                return Outcome.NotFound;
            }
        }
        else
        {
            article = new HelpArticle(await FreeSlugAsync(title, ct), now);
            db.HelpArticles.Add(article);
        }
        article.SaveDraft(input.CategoryId!.Value, title, body, language, input.Audience, now);
        article.Readers.Clear();
        article.Readers.AddRange(input.Audience switch
        {
            ArticleAudience.Accounts => accountIds.Select(a => HelpArticleReader.ForAccount(article.Id, a)),
            ArticleAudience.Roles => roles.Select(r => HelpArticleReader.ForRole(article.Id, r)),
            _ => [],
        });
        audit.Record(AuditActions.HelpArticleSaved, targetType: nameof(HelpArticle), targetId: article.Id.ToString(),
            details: new { title, article.Slug, language, audience = input.Audience.ToString(), accounts = accountIds, roles });
        if (publish)
        {
            var user = http.HttpContext?.User;
            var version = article.Publish(HelpMarkdown.ToSafeHtml(body), HelpMarkdown.ToPlainText(body), user?.UserId(), RequestAccess.DisplayName(user), now);
            db.HelpArticleVersions.Add(version);
            audit.Record(AuditActions.HelpArticlePublished, targetType: nameof(HelpArticle), targetId: article.Id.ToString(),
                details: new { title, article.Slug, version = version.Number });
        }
        // Two saves at once of one title (its address) or of one article's next version: the later is not kept.
        return await db.SaveUnlessTakenAsync(ct) ? article
            : Outcome.Refused(text["Someone saved an article with this title, or this article, at the same moment. Open it again and save once more."]);
    }

    private static Outcome NameRefused(string message) => Outcome.Refused(message, new Dictionary<string, string> { ["Name"] = message });

    /// A slug from the title ("How do I get a copy of an invoice?" → "how-do-i-get-a-copy-of-an-invoice"), numbered when taken.
    private async Task<string> FreeSlugAsync(string title, CancellationToken ct)
    {
        var words = HelpSearch.Words(title.Normalize(System.Text.NormalizationForm.FormKD), HelpArticle.SlugMaxLength).Where(w => w.All(char.IsAscii));
        var slug = string.Join('-', words);
        slug = slug.Length == 0 ? "article" : slug[..Math.Min(slug.Length, HelpArticle.SlugMaxLength - 10)].Trim('-');
        var taken = await db.HelpArticles.Where(a => a.Slug == slug || a.Slug.StartsWith(slug + "-")).Select(a => a.Slug).ToListAsync(ct);
        if (!taken.Contains(slug))
        {
            return slug;
        }
        var n = 2;
        while (taken.Contains($"{slug}-{n}"))
        {
            n++;
        }
        return $"{slug}-{n}";
    }
}

/// What the article form posts.
public sealed class ArticleInput
{
    public Guid? CategoryId { get; set; }
    public string? Title { get; set; }
    public string? Body { get; set; }
    public string? Language { get; set; }
    public ArticleAudience Audience { get; set; } = ArticleAudience.Everyone;
    public List<Guid> AccountIds { get; set; } = [];
    public List<string> Roles { get; set; } = [];
}

public static class HelpModule
{
    public static IServiceCollection AddHelp(this IServiceCollection services) =>
        services.AddScoped<CustomerHelp>().AddScoped<ManageHelp>();
}
