namespace Portico.Features.Insights;

/// What a daily figure counts. Each row is one day × account × metric × dimension; the page sums rows, never raw events.
public enum FigureMetric
{
    /// A key event: Detail is its kind, Channel its channel.
    KeyEvent = 1,
    /// A request submitted or logged: Item is its type, Channel how it came in.
    RequestCreated = 2,
    /// A request's first staff response: Item is its type, Detail the response-time band, Channel 1 when within the
    /// SLA target (0 when late); Total adds the working seconds.
    FirstResponse = 3,
    /// A request resolved: as FirstResponse, with the resolution time and target.
    Resolution = 4,
    /// A satisfaction rating by request type: Item is the type, Detail the score.
    RatingByType = 5,
    /// A satisfaction rating by assignee: Item is the assignee when it was rated (none: Guid.Empty), Detail the score.
    RatingByAssignee = 6,
    /// A data-quality incident opened or opened again: Item is the integration; no account.
    IncidentOpened = 7,
    /// A data-quality incident resolved: Item is the integration, Total adds the minutes it stayed open; no account.
    IncidentResolved = 8,
    /// Minutes an integration was stale (Integration.IsStale) that day: Item is the integration, no account. Recorded when
    /// a sync ends the stale period, one row for each UTC day it touched; Count is 1 on the day it ended, 0 on the others.
    MinutesStale = 9,
}

/// One day's count of one metric in one account and dimension, kept up in the transaction that saves what it counts.
public sealed class DailyFigure
{
    public FigureMetric Metric { get; private set; }
    /// The UTC day.
    public DateOnly Day { get; private set; }
    /// Guid.Empty where the metric belongs to no account (incidents).
    public Guid AccountId { get; private set; }
    /// A request type, assignee or integration as the metric says; Guid.Empty when none.
    public Guid ItemId { get; private set; }
    public int Detail { get; private set; }
    public int Channel { get; private set; }
    public long Count { get; private set; }
    public long Total { get; private set; }

    private DailyFigure() { }

    public DailyFigure(FigureMetric metric, DateOnly day, Guid accountId, Guid itemId, int detail, int channel, long count, long total)
    {
        Metric = metric;
        Day = day;
        AccountId = accountId;
        ItemId = itemId;
        Detail = detail;
        Channel = channel;
        Count = count;
        Total = total;
    }
}

/// When a person last did something in an account through the portal or the API, and last signed in: kept up with each
/// key event, so the engagement table reads one row per person instead of their events.
public sealed class PersonActivity
{
    public Guid AccountId { get; private set; }
    public Guid PersonId { get; private set; }
    public DateTime LastActiveAt { get; private set; }
    public DateTime? LastSignInAt { get; private set; }

    private PersonActivity() { }
}

internal sealed class DailyFigureConfiguration : IEntityTypeConfiguration<DailyFigure>
{
    public void Configure(EntityTypeBuilder<DailyFigure> b)
    {
        // The key is what an upsert adds to; metric and day first, so a page reads one metric's range from it.
        b.HasKey(f => new { f.Metric, f.Day, f.AccountId, f.ItemId, f.Detail, f.Channel });
        b.HasIndex(f => new { f.AccountId, f.Metric, f.Day });
    }
}

internal sealed class PersonActivityConfiguration : IEntityTypeConfiguration<PersonActivity>
{
    public void Configure(EntityTypeBuilder<PersonActivity> b)
    {
        b.HasKey(p => new { p.AccountId, p.PersonId });
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
