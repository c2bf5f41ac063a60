namespace Portico.Features.Integrations;

public enum ReconciliationState
{
    /// Pages are arriving; nothing is applied yet.
    [Display(Name = "Receiving"), Badge(Tone.Progress, Icon.Progress)] Open,
    /// The end marker came: the snapshot was applied and what it did not contain was deleted.
    [Display(Name = "Complete"), Badge(Tone.Success, Icon.Check)] Completed,
    /// Never completed in time, or replaced by a newer snapshot: nothing of it was applied.
    [Display(Name = "Abandoned, nothing changed"), Badge(Tone.Neutral, Icon.X)] Abandoned,
}

/// One full snapshot of an object type sent by an integration, and the drift it found once complete.
/// Kept after completion as the history of reconciliations.
public sealed class ReconciliationRun
{
    public const int MaxPages = 1000;
    /// A snapshot with no page or end marker for this long is abandoned and changes nothing.
    public static readonly TimeSpan AbandonAfter = TimeSpan.FromHours(24);

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid IntegrationId { get; private set; }
    public string ObjectType { get; private set; } = "";
    public ReconciliationState State { get; private set; }
    public DateTime StartedAt { get; private set; }
    public DateTime LastActivityAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }
    public int Pages { get; private set; }
    public int Records { get; private set; }
    public int Created { get; private set; }
    public int Changed { get; private set; }
    public int Deleted { get; private set; }
    public int Unchanged { get; private set; }
    public int Stale { get; private set; }
    public int Failed { get; private set; }

    private ReconciliationRun() { }

    public ReconciliationRun(Guid integrationId, string objectType, DateTime now)
    {
        IntegrationId = integrationId;
        ObjectType = objectType;
        StartedAt = now;
        LastActivityAt = now;
    }

    public DateTime AbandonsAt => LastActivityAt + AbandonAfter;

    /// The state as of now: an open snapshot past its time counts as abandoned even before anything marks it.
    public ReconciliationState StateAt(DateTime now) => State == ReconciliationState.Open && now >= AbandonsAt ? ReconciliationState.Abandoned : State;

    public void PageReceived(int records, DateTime now)
    {
        Pages++;
        Records += records;
        LastActivityAt = now;
    }

    public void Abandon(DateTime now)
    {
        State = ReconciliationState.Abandoned;
        FinishedAt = now;
    }

    public void Complete(BatchResult applied, int deleted, DateTime now)
    {
        State = ReconciliationState.Completed;
        FinishedAt = now;
        (Created, Changed, Unchanged, Stale, Failed, Deleted) = (applied.Created, applied.Updated, applied.Unchanged, applied.Stale, applied.Failed, deleted);
    }
}

/// One page of an open snapshot, held until the end marker applies them all together.
public sealed class SnapshotPage
{
    public Guid RunId { get; private set; }
    public int Number { get; private set; }
    /// The page's "records" array as the source sent it.
    public string Records { get; private set; } = "";

    private SnapshotPage() { }

    public SnapshotPage(Guid runId, int number, string records)
    {
        RunId = runId;
        Number = number;
        Records = records;
    }
}

internal sealed class ReconciliationRunConfiguration : IEntityTypeConfiguration<ReconciliationRun>
{
    public void Configure(EntityTypeBuilder<ReconciliationRun> b)
    {
        b.HasOne<Integration>().WithMany().HasForeignKey(r => r.IntegrationId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.ObjectType).HasMaxLength(30);
        b.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
        // The health page lists each integration's latest runs.
        b.HasIndex(r => new { r.IntegrationId, r.StartedAt });
    }
}

internal sealed class SnapshotPageConfiguration : IEntityTypeConfiguration<SnapshotPage>
{
    public void Configure(EntityTypeBuilder<SnapshotPage> b)
    {
        // One row per page number: the same page sent twice at once cannot both be kept.
        b.HasKey(p => new { p.RunId, p.Number });
        b.HasOne<ReconciliationRun>().WithMany().HasForeignKey(p => p.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
