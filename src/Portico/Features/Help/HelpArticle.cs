namespace Portico.Features.Help;

/// A heading customers browse help articles under.
public sealed class HelpCategory
{
    public const int NameMaxLength = 100;

    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Name { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }

    private HelpCategory() { }

    public HelpCategory(string name, DateTime now)
    {
        Name = name;
        CreatedAt = now;
    }
}

/// Who an article is for once published. Staff always see every article.
public enum ArticleAudience
{
    [Display(Name = "Everyone signed in")] Everyone = 1,
    [Display(Name = "Chosen accounts")] Accounts = 2,
    [Display(Name = "Chosen roles")] Roles = 3,
}

/// A help article: a draft staff work on and the published text customers read and search. Publishing copies the
/// draft into the published text and keeps a version of it; the audience, category and language apply at once.
public sealed class HelpArticle
{
    public const int TitleMaxLength = 200;
    public const int BodyMaxLength = 50_000;
    public const int SlugMaxLength = 120;
    public const string DefaultLanguage = "en";

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid CategoryId { get; private set; }
    public HelpCategory Category { get; private set; } = null!;
    /// The article's address under /a/{accountId}/help/, made from its first title and kept.
    public string Slug { get; private set; } = "";
    /// A BCP 47 tag such as "en" or "de", set on the article's text so browsers and screen readers read it right.
    public string Language { get; private set; } = DefaultLanguage;
    public ArticleAudience Audience { get; private set; } = ArticleAudience.Everyone;
    public List<HelpArticleReader> Readers { get; private set; } = [];

    public string DraftTitle { get; private set; } = "";
    /// Markdown.
    public string DraftBody { get; private set; } = "";

    /// Empty until first published; the search indexes follow these.
    public string Title { get; private set; } = "";
    public string Body { get; private set; } = "";
    /// The published Markdown rendered and cleaned once, at publishing.
    public string BodyHtml { get; private set; } = "";
    /// The published text without Markdown, for full-text search.
    public string SearchText { get; private set; } = "";
    public int PublishedVersion { get; private set; }
    public DateTime? PublishedAt { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public bool IsPublished => PublishedVersion > 0;
    public bool HasUnpublishedChanges => !IsPublished || DraftTitle != Title || DraftBody != Body;

    private HelpArticle() { }

    public HelpArticle(string slug, DateTime now)
    {
        Slug = slug;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public void SaveDraft(Guid categoryId, string title, string body, string language, ArticleAudience audience, DateTime now)
    {
        CategoryId = categoryId;
        DraftTitle = title;
        DraftBody = body;
        Language = language;
        Audience = audience;
        UpdatedAt = now;
    }

    /// Publishes the draft; the caller keeps the returned version.
    public HelpArticleVersion Publish(string html, string plainText, Guid? byId, string byName, DateTime now)
    {
        Title = DraftTitle;
        Body = DraftBody;
        BodyHtml = html;
        SearchText = plainText;
        PublishedVersion++;
        PublishedAt = now;
        UpdatedAt = now;
        return new HelpArticleVersion(Id, PublishedVersion, Title, Body, byId, byName, now);
    }
}

/// One account or one role an article is shown to, for the audiences that choose them.
public sealed class HelpArticleReader
{
    public long Id { get; private set; }
    public Guid ArticleId { get; private set; }
    public Guid? AccountId { get; private set; }
    public string? RoleName { get; private set; }

    private HelpArticleReader() { }

    public static HelpArticleReader ForAccount(Guid articleId, Guid accountId) => new() { ArticleId = articleId, AccountId = accountId };

    public static HelpArticleReader ForRole(Guid articleId, string roleName) => new() { ArticleId = articleId, RoleName = roleName };
}

/// A published text of an article, kept so staff can see what customers read when.
public sealed class HelpArticleVersion
{
    public long Id { get; private set; }
    public Guid ArticleId { get; private set; }
    public int Number { get; private set; }
    public string Title { get; private set; } = "";
    public string Body { get; private set; } = "";
    public Guid? PublishedById { get; private set; }
    public string PublishedByName { get; private set; } = "";
    public DateTime PublishedAt { get; private set; }

    private HelpArticleVersion() { }

    public HelpArticleVersion(Guid articleId, int number, string title, string body, Guid? byId, string byName, DateTime now)
    {
        ArticleId = articleId;
        Number = number;
        Title = title;
        Body = body;
        PublishedById = byId;
        PublishedByName = byName;
        PublishedAt = now;
    }
}

internal sealed class HelpCategoryConfiguration : IEntityTypeConfiguration<HelpCategory>
{
    public void Configure(EntityTypeBuilder<HelpCategory> b)
    {
        b.Property(c => c.Name).HasMaxLength(HelpCategory.NameMaxLength);
        b.HasIndex(c => c.Name).IsUnique();
    }
}

internal sealed class HelpArticleConfiguration : IEntityTypeConfiguration<HelpArticle>
{
    public void Configure(EntityTypeBuilder<HelpArticle> b)
    {
        b.HasIndex(a => a.Slug).IsUnique();
        b.Property(a => a.Slug).HasMaxLength(HelpArticle.SlugMaxLength);
        b.Property(a => a.Language).HasMaxLength(20);
        b.Property(a => a.DraftTitle).HasMaxLength(HelpArticle.TitleMaxLength);
        b.Property(a => a.Title).HasMaxLength(HelpArticle.TitleMaxLength);
        b.HasOne(a => a.Category).WithMany().HasForeignKey(a => a.CategoryId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(a => a.Readers).WithOne().HasForeignKey(r => r.ArticleId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.CategoryId, a.PublishedVersion });
        b.Ignore(a => a.IsPublished);
        b.Ignore(a => a.HasUnpublishedChanges);
    }
}

internal sealed class HelpArticleReaderConfiguration : IEntityTypeConfiguration<HelpArticleReader>
{
    public void Configure(EntityTypeBuilder<HelpArticleReader> b)
    {
        b.Property(r => r.RoleName).HasMaxLength(100);
        b.HasIndex(r => new { r.ArticleId, r.AccountId });
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class HelpArticleVersionConfiguration : IEntityTypeConfiguration<HelpArticleVersion>
{
    public void Configure(EntityTypeBuilder<HelpArticleVersion> b)
    {
        b.Property(v => v.Title).HasMaxLength(HelpArticle.TitleMaxLength);
        b.Property(v => v.PublishedByName).HasMaxLength(200);
        b.HasIndex(v => new { v.ArticleId, v.Number }).IsUnique();
        b.HasOne<HelpArticle>().WithMany().HasForeignKey(v => v.ArticleId).OnDelete(DeleteBehavior.Cascade);
    }
}
