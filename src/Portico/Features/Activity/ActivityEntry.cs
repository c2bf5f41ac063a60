namespace Portico.Features.Activity;

/// One line in an account's activity feed. Entries about a request carry its id so the
/// feed only shows them to people who may see that request.
public sealed class ActivityEntry : IAccountOwned
{
    public long Id { get; private set; }
    public Guid AccountId { get; private set; }
    public DateTime At { get; private set; }
    public string ActorName { get; private set; } = "";
    public string Text { get; private set; } = "";
    public string Link { get; private set; } = "";
    public Guid? RequestId { get; private set; }

    private ActivityEntry() { }

    public ActivityEntry(Guid accountId, DateTime at, string actorName, string text, string link, Guid? requestId)
    {
        AccountId = accountId;
        At = at;
        ActorName = actorName;
        Text = text;
        Link = link;
        RequestId = requestId;
    }
}

internal sealed class ActivityEntryConfiguration : IEntityTypeConfiguration<ActivityEntry>
{
    public void Configure(EntityTypeBuilder<ActivityEntry> b)
    {
        b.HasIndex(e => new { e.AccountId, e.At });
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.Property(e => e.ActorName).HasMaxLength(200);
        b.Property(e => e.Text).HasMaxLength(500);
        b.Property(e => e.Link).HasMaxLength(300);
    }
}
