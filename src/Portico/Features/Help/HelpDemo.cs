namespace Portico.Features.Help;

/// A few published articles in two categories for the demo, so the help centre and the suggestions beside the
/// request form have something to show on a first start.
public static class HelpDemo
{
    private static readonly (string Category, string Title, string Body)[] Articles =
    [
        ("Billing", "How do I get a copy of an invoice?",
            "Open **Invoices**, choose the invoice and use *Download PDF*. Every invoice from the last seven years is there.\n\n"
            + "If an invoice is missing, it may not have reached the portal from our billing system yet: the page says when it last heard from it."),
        ("Billing", "Why does my invoice show a different amount than the order?",
            "An invoice can differ from its order when:\n\n- part of the order was delivered and invoiced separately,\n- a credit note was applied,\n- prices changed for a project billed by milestone.\n\n"
            + "The invoice lines name the order and milestone each amount belongs to."),
        ("Billing", "Which payment methods do you accept?",
            "We accept bank transfer (the details are on every invoice) and card payments for invoices under 10,000 in your currency. "
            + "Payments usually show on the invoice within two working days."),
        ("Orders and deliveries", "Where is my order?",
            "Open **Orders** to see each order's status and its milestones. An order that is *Shipped* shows the carrier's tracking number.\n\n"
            + "If a delivery is more than three working days late, submit a request of the type *Delivery* and we will chase the carrier."),
        ("Orders and deliveries", "How do I change a delivery address?",
            "Delivery addresses follow your company address. People with the right to manage the account change it under **Company**; "
            + "the change may wait for approval. Orders already shipped keep their address."),
    ];

    public static async Task SeedAsync(PorticoDb db, DateTime now, CancellationToken ct)
    {
        if (await db.HelpArticles.AnyAsync(ct))
        {
            return;
        }
        var categories = new Dictionary<string, HelpCategory>();
        foreach (var (categoryName, title, body) in Articles)
        {
            if (!categories.TryGetValue(categoryName, out var category))
            {
                category = new HelpCategory(categoryName, now);
                categories[categoryName] = category;
                db.HelpCategories.Add(category);
            }
            var slug = string.Join('-', HelpSearch.Words(title, HelpArticle.SlugMaxLength));
            var article = new HelpArticle(slug, now);
            article.SaveDraft(category.Id, title, body, HelpArticle.DefaultLanguage, ArticleAudience.Everyone, now);
            db.HelpArticles.Add(article);
            db.HelpArticleVersions.Add(article.Publish(HelpMarkdown.ToSafeHtml(body), HelpMarkdown.ToPlainText(body), null, "Portico", now));
        }
        await db.SaveChangesAsync(ct);
    }
}
