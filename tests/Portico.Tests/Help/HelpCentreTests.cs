using Portico.Features.Help;

namespace Portico.Tests.Help;

public sealed class HelpCentreTests(PorticoApp app) : AppTests
{
    private Task<List<KeyEvent>> EventsAsync(Guid accountId, KeyEventKind kind) =>
        app.WithDbAsync((db, _) => db.KeyEvents.AcrossAccounts().Where(e => e.AccountId == accountId && e.Kind == kind).ToListAsync());

    [Fact]
    public async Task Search_ranks_an_article_with_the_words_in_its_title_above_those_that_only_mention_them()
    {
        var word = HelpSteps.Word();
        await app.PublishArticleAsync("Delivery times", $"Orders ship in two days. Ask about {word} if late.");
        await app.PublishArticleAsync($"Refunds for {word} invoices", $"How a {word} refund of an invoice is paid, and when {word} credits apply.");
        await app.PublishArticleAsync("Nothing related", "This article is about something else entirely.");
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);

        Assert.Equal([$"Refunds for {word} invoices", "Delivery times"], await client.HelpSearchAsync(account.Id, $"{word} refund"));
        // A word still being typed, and another form of the same word, find the article too.
        Assert.Equal([$"Refunds for {word} invoices", "Delivery times"], await client.HelpSearchAsync(account.Id, word[..^2]));
        Assert.Contains($"Refunds for {word} invoices", await client.HelpSearchAsync(account.Id, $"{word} refunded"));
    }

    [Fact]
    public async Task Articles_for_chosen_accounts_or_roles_reach_only_those_readers_and_drafts_reach_nobody()
    {
        var word = HelpSteps.Word();
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var requester = await app.CreateMemberAsync(account, BuiltInRoles.Requester);
        var (otherAccount, otherOwner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var forAccount = await app.PublishArticleAsync($"For the account {word}", "Only this account.", accounts: [account.Id]);
        var forOwners = await app.PublishArticleAsync($"For owners {word}", "Only owners.", roles: [BuiltInRoles.Owner]);
        var draft = await app.PublishArticleAsync($"Draft {word}", "Not yet.", publish: false);

        using var ownerClient = await app.SignInAsync(owner);
        using var requesterClient = await app.SignInAsync(requester);
        using var otherClient = await app.SignInAsync(otherOwner);

        Assert.Equal([$"For owners {word}", $"For the account {word}"], (await ownerClient.HelpSearchAsync(account.Id, word)).Order());
        Assert.Equal([$"For the account {word}"], await requesterClient.HelpSearchAsync(account.Id, word));
        Assert.Equal([$"For owners {word}"], await otherClient.HelpSearchAsync(otherAccount.Id, word));
        var otherList = await otherClient.GetPageAsync($"/a/{otherAccount.Id}/help");
        Assert.DoesNotContain($"For the account {word}", otherList.Body!.TextContent, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await ownerClient.Http.GetAsync(new Uri($"/a/{account.Id}/help/{forAccount.Slug}", UriKind.Relative))).StatusCode);
        foreach (var (client, accountId, slug) in new[]
        {
            (otherClient, otherAccount.Id, forAccount.Slug), (requesterClient, account.Id, forOwners.Slug), (ownerClient, account.Id, draft.Slug),
        })
        {
            var response = await client.Http.GetAsync(new Uri($"/a/{accountId}/help/{slug}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var helpful = await client.PostFormAsync($"/a/{accountId}/help/{slug}?handler=Helpful", await client.GetPageAsync($"/a/{accountId}/help"), new Dictionary<string, string>());
            Assert.Equal(HttpStatusCode.NotFound, helpful.StatusCode);
        }
        // Another account's id in the URL answers 404 whatever the article.
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.Http.GetAsync(new Uri($"/a/{account.Id}/help/{forAccount.Slug}", UriKind.Relative))).StatusCode);
        Assert.Empty(await EventsAsync(otherAccount.Id, KeyEventKind.ArticleHelpful));
    }

    [Fact]
    public async Task Reading_an_article_and_marking_it_helpful_are_recorded_as_key_events()
    {
        var article = await app.PublishArticleAsync("Helpful article " + HelpSteps.Word(), "It helps.");
        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Viewer);

        var page = await client.GetPageAsync($"/a/{account.Id}/help/{article.Slug}");
        var response = await client.PostFormAsync($"/a/{account.Id}/help/{article.Slug}?handler=Helpful", page, new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(user.Id, Assert.Single(await EventsAsync(account.Id, KeyEventKind.ArticleViewed)).PersonId);
        Assert.Equal(user.Id, Assert.Single(await EventsAsync(account.Id, KeyEventKind.ArticleHelpful)).PersonId);
    }

    [Fact]
    public async Task Articles_matching_a_title_appear_beside_the_request_form_and_one_that_answered_counts_as_a_deflection_without_a_request()
    {
        var word = HelpSteps.Word();
        var article = await app.PublishArticleAsync($"Copy of an invoice {word}", "Open Invoices and download it.");
        var (_, type, account, user) = await app.CreateAgentTypeAndCustomerAsync();
        using var client = await app.SignInAsync(user);
        var form = await client.GetPageAsync($"/a/{account.Id}/requests/new?type={type.Id}");
        var suggestUrl = form.QuerySelector("#help-suggestions")?.GetAttribute("data-suggest");
        Assert.NotNull(suggestUrl);

        var suggestions = await client.GetPageAsync(suggestUrl + "&q=" + Uri.EscapeDataString($"I need a copy {word}"));
        var link = suggestions.QuerySelector("[data-testid=help-suggestions] a");
        Assert.Equal($"/a/{account.Id}/help/{article.Slug}", link?.GetAttribute("href"));
        var answered = suggestions.QuerySelector("[data-testid=help-suggestions] form")?.GetAttribute("action");
        var response = await client.PostFormAsync(answered!, form, new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var notice = await client.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Equal("Glad it answered your question. No request was created.", notice.QuerySelector("[data-testid=help-notice]")?.TextContent.Trim());
        var deflection = Assert.Single(await EventsAsync(account.Id, KeyEventKind.RequestFormDeflected));
        Assert.Equal((user.Id, Channel.Portal), (deflection.PersonId, deflection.Channel));
        Assert.Equal(0, await app.RequestCountAsync(account.Id));
    }

    [Fact]
    public async Task Staff_publish_a_draft_customers_read_it_cleaned_of_script_and_later_drafts_wait_for_the_next_publish()
    {
        var category = await app.CreateHelpCategoryAsync();
        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        using var staff = await app.SignInAsync(agent);
        var word = HelpSteps.Word();
        var body = $"Reset it **now** {word}.\n\n<script>alert('x')</script>\n\n<img src=\"x.png\" onerror=\"alert(1)\">\n\n[click](javascript:alert(1))";
        var editor = await staff.GetPageAsync("/staff/help/edit");
        var response = await staff.PostFormAsync("/staff/help/edit?handler=Publish", editor, ArticleForm(category.Id, "Resetting your password", body));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var article = await app.WithDbAsync((db, _) => db.HelpArticles.SingleAsync(a => a.CategoryId == category.Id));
        Assert.Equal("resetting-your-password", article.Slug[..Math.Min(article.Slug.Length, 23)]);

        var (account, user, client) = await app.SignedInCustomerAsync(BuiltInRoles.Requester);
        var page = await client.GetPageAsync($"/a/{account.Id}/help/{article.Slug}");
        var html = page.QuerySelector("[data-testid=article-body]")!.InnerHtml;
        Assert.Contains("<strong>now</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);

        var edit = await staff.GetPageAsync($"/staff/help/edit/{article.Id}");
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync($"/staff/help/edit/{article.Id}", edit, ArticleForm(category.Id, "Draft title", body))).StatusCode);
        Assert.Equal("Resetting your password", (await client.GetPageAsync($"/a/{account.Id}/help/{article.Slug}")).QuerySelector("h1")?.TextContent);
        edit = await staff.GetPageAsync($"/staff/help/edit/{article.Id}");
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync($"/staff/help/edit/{article.Id}?handler=Publish", edit, ArticleForm(category.Id, "Draft title", body))).StatusCode);
        Assert.Equal("Draft title", (await client.GetPageAsync($"/a/{account.Id}/help/{article.Slug}")).QuerySelector("h1")?.TextContent);
        var versions = await app.WithDbAsync((db, _) => db.HelpArticleVersions.Where(v => v.ArticleId == article.Id).OrderBy(v => v.Number).Select(v => v.Title).ToListAsync());
        Assert.Equal(["Resetting your password", "Draft title"], versions);
        Assert.Equal(2, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.HelpArticlePublished && e.TargetId == article.Id.ToString())));
    }

    public static readonly TheoryData<string, string, string, string> BadArticles = new()
    {
        { "", "Some text", "title-error", "Give the article a title." },
        { "A title", "   ", "body-error", "Write the article's text." },
        { "A title", "Some text", "category-error", "Choose one of the categories." },
    };

    [Theory]
    [MemberData(nameof(BadArticles))]
    public async Task An_article_without_a_title_text_or_known_category_is_refused_with_a_message_and_nothing_is_saved(
        string title, string body, string errorId, string message)
    {
        var category = await app.CreateHelpCategoryAsync();
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var staff = await app.SignInAsync(admin);
        var editor = await staff.GetPageAsync("/staff/help/edit");
        var form = ArticleForm(errorId == "category-error" ? Guid.NewGuid() : category.Id, title, body);

        var response = await staff.PostFormAsync("/staff/help/edit?handler=Publish", editor, form);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(message, (await PorticoClient.ParseAsync(response)).GetElementById(errorId)?.TextContent.Trim());
        Assert.Equal(0, await app.WithDbAsync((db, _) => db.HelpArticles.CountAsync(a => a.CategoryId == category.Id || a.DraftTitle == title)));
    }

    [Fact]
    public async Task Customers_and_finance_staff_cannot_write_articles()
    {
        var (_, customer) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var finance = await app.CreateUserAsync(staffRole: StaffRole.Finance);
        foreach (var user in new[] { customer, finance })
        {
            using var client = await app.SignInAsync(user);
            var response = await client.Http.GetAsync(new Uri("/staff/help", UriKind.Relative));
            Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, response.StatusCode.ToString());
        }
    }

    private static Dictionary<string, string> ArticleForm(Guid categoryId, string title, string body) => new()
    {
        ["Form.CategoryId"] = categoryId.ToString(),
        ["Form.Title"] = title,
        ["Form.Body"] = body,
        ["Form.Language"] = "en",
        ["Form.Audience"] = "Everyone",
    };
}
