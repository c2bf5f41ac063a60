using Portico.Features.Help;

namespace Portico.Tests.Help;

public static class HelpSteps
{
    /// A category with a unique name, written straight to the database.
    public static Task<HelpCategory> CreateHelpCategoryAsync(this PorticoApp app) => app.WithDbAsync(async (db, _) =>
    {
        var category = new HelpCategory("Category " + PorticoApp.Unique(), DateTime.UtcNow);
        db.HelpCategories.Add(category);
        await db.SaveChangesAsync();
        return category;
    });

    /// A published article for the audience given (everyone unless accounts or roles are named).
    public static Task<HelpArticle> PublishArticleAsync(this PorticoApp app, string title, string body, IEnumerable<Guid>? accounts = null,
        IEnumerable<string>? roles = null, bool publish = true) => app.WithDbAsync(async (db, _) =>
    {
        var now = DateTime.UtcNow;
        var category = new HelpCategory("Category " + PorticoApp.Unique(), now);
        db.HelpCategories.Add(category);
        var article = new HelpArticle("article-" + PorticoApp.Unique(), now);
        var audience = accounts is not null ? ArticleAudience.Accounts : roles is not null ? ArticleAudience.Roles : ArticleAudience.Everyone;
        article.SaveDraft(category.Id, title, body, "en", audience, now);
        article.Readers.AddRange((accounts ?? []).Select(a => HelpArticleReader.ForAccount(article.Id, a)));
        article.Readers.AddRange((roles ?? []).Select(r => HelpArticleReader.ForRole(article.Id, r)));
        db.HelpArticles.Add(article);
        if (publish)
        {
            db.HelpArticleVersions.Add(article.Publish(HelpMarkdown.ToSafeHtml(body), HelpMarkdown.ToPlainText(body), null, "Tests", now));
        }
        await db.SaveChangesAsync();
        return article;
    });

    /// The titles of the articles a help search lists, in order.
    public static async Task<List<string>> HelpSearchAsync(this PorticoClient client, Guid accountId, string query)
    {
        var page = await client.GetPageAsync($"/a/{accountId}/help?q={Uri.EscapeDataString(query)}");
        return page.QuerySelectorAll("[data-testid=help-results] li > a").Select(a => a.TextContent.Trim()).ToList();
    }

    /// A word no other test uses, so searches see only this test's articles.
    /// Digits after two letters: no stemmer changes it, so a prefix of it stays a prefix of what is indexed.
    public static string Word() => "zq" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture);
}
