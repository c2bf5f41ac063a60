using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Portico.Features.Integrations;

public enum WriteBackState
{
    [Display(Name = "Waiting for the source"), Badge(Tone.Waiting, Icon.Clock)] Waiting,
    [Display(Name = "Taken by the source"), Badge(Tone.Success, Icon.Check)] Acknowledged,
    [Display(Name = "Refused by the source"), Badge(Tone.Danger, Icon.X)] Refused,
    /// No answer within WriteBacks:AcknowledgeWithin.
    [Display(Name = "No answer from the source"), Badge(Tone.Danger, Icon.Alert)] TimedOut,
}

public sealed class WriteBackOptions
{
    public const string Section = "WriteBacks";

    /// How long a system of record has to acknowledge a change made in the portal before it becomes an incident.
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan AcknowledgeWithin { get; set; } = TimeSpan.FromHours(24);
}

/// A change made in the portal to a record a system of record owns (an account's address), sent to it through the
/// outbox and waiting for its acknowledgement. A refusal or no answer in time becomes a data-quality incident.
public sealed class WriteBack : IAccountOwned
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid IntegrationId { get; private set; }
    public Guid AccountId { get; private set; }
    public string ObjectType { get; private set; } = "";
    public string ExternalId { get; private set; } = "";
    /// What changed, in the customer's words ("The company address to …").
    public string Summary { get; private set; } = "";
    public WriteBackState State { get; private set; }
    public DateTime SentAt { get; private set; }
    public DateTime DueBy { get; private set; }
    public DateTime? AnsweredAt { get; private set; }
    public string? Reason { get; private set; }

    private WriteBack() { }

    public WriteBack(Guid integrationId, Guid accountId, string objectType, string externalId, string summary, DateTime now, TimeSpan acknowledgeWithin)
    {
        IntegrationId = integrationId;
        AccountId = accountId;
        ObjectType = objectType;
        ExternalId = externalId;
        Summary = summary.Length > 500 ? summary[..500] : summary;
        SentAt = now;
        DueBy = now + acknowledgeWithin;
    }

    public void Answered(bool accepted, string? reason, DateTime now)
    {
        State = accepted ? WriteBackState.Acknowledged : WriteBackState.Refused;
        Reason = reason;
        AnsweredAt = now;
    }

    public void TimedOut(DateTime now)
    {
        State = WriteBackState.TimedOut;
        AnsweredAt = now;
    }
}

internal sealed class WriteBackConfiguration : IEntityTypeConfiguration<WriteBack>
{
    public void Configure(EntityTypeBuilder<WriteBack> b)
    {
        b.HasOne<Integration>().WithMany().HasForeignKey(w => w.IntegrationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(w => w.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.Property(w => w.ObjectType).HasMaxLength(30);
        b.Property(w => w.ExternalId).HasMaxLength(100);
        b.Property(w => w.Summary).HasMaxLength(500);
        b.Property(w => w.Reason).HasMaxLength(1000);
        b.Property(w => w.State).HasConversion<string>().HasMaxLength(20);
        // The sweep finds waiting changes past their time; the company page the latest per account.
        b.HasIndex(w => new { w.State, w.DueBy });
        b.HasIndex(w => new { w.AccountId, w.SentAt });
    }
}

/// The body of an acknowledgement: accepted, or refused with a reason.
public sealed record WriteBackAnswer(bool? Accepted, string? Reason);

/// The latest change of a kind sent to a source that has not been taken yet (waiting, refused or unanswered), with the source's name.
public sealed record WriteBackView(WriteBack WriteBack, string Source);

public sealed record WriteBackDto(Guid Id, string ObjectType, string ExternalId, string State, DateTime SentAt, DateTime? AnsweredAt, string? Reason);

/// Starts write-backs, records the source's answers and turns refusals and silence into incidents for staff.
public sealed class WriteBacks(PorticoDb db, IOptions<WriteBackOptions> options, TimeProvider clock)
{
    /// A waiting write-back for a change to the account, when a system of record owns accounts and knows this one; the caller saves.
    public Task<WriteBack?> StartAsync(Accounts.Account account, string summary, CancellationToken ct) =>
        StartAsync(account, SyncedObjectTypes.Accounts, summary, ct);

    /// The same for a change of the object type (accounts or contacts) made to the account, when a system of record owns that type
    /// and knows the account by its external id.
    public async Task<WriteBack?> StartAsync(Accounts.Account account, string objectType, string summary, CancellationToken ct)
    {
        var owner = await db.SystemsOfRecord.Where(s => s.ObjectType == objectType).Select(s => (Guid?)s.IntegrationId).SingleOrDefaultAsync(ct);
        if (owner is null || account.ExternalId is null)
        {
            return null;
        }
        var writeBack = new WriteBack(owner.Value, account.Id, objectType, account.ExternalId, summary, clock.GetUtcNow().UtcDateTime, options.Value.AcknowledgeWithin);
        db.WriteBacks.Add(writeBack);
        return writeBack;
    }

    /// What the account's page shows of its latest change of the object type: nothing once the source took it.
    public async Task<WriteBackView?> LatestAsync(Guid accountId, string objectType, CancellationToken ct)
    {
        var latest = await db.WriteBacks.AsNoTracking().Where(w => w.AccountId == accountId && w.ObjectType == objectType).OrderByDescending(w => w.SentAt)
            .FirstOrDefaultAsync(ct);
        return latest is null or { State: WriteBackState.Acknowledged } ? null
            : new WriteBackView(latest, await db.Integrations.Where(i => i.Id == latest.IntegrationId).Select(i => i.Name).SingleAsync(ct));
    }

    /// The source's answer. A change of another integration is not found, so nothing tells it that the id exists.
    public async Task<(WriteBackDto? Value, int Status, string? Problem)> AnswerAsync(Guid integrationId, Guid writeBackId, WriteBackAnswer answer, CancellationToken ct)
    {
        if (answer.Accepted is not { } accepted)
        {
            return (null, StatusCodes.Status400BadRequest, "Send {\"accepted\": true} or {\"accepted\": false, \"reason\": \"…\"}.");
        }
        if (!accepted && string.IsNullOrWhiteSpace(answer.Reason) || answer.Reason?.Length > 1000)
        {
            return (null, StatusCodes.Status400BadRequest, "A refusal needs a reason of at most 1,000 characters, shown to staff.");
        }
        var writeBack = await db.WriteBacks.AcrossAccounts().SingleOrDefaultAsync(w => w.Id == writeBackId && w.IntegrationId == integrationId, ct);
        if (writeBack is null)
        {
            return (null, StatusCodes.Status404NotFound, $"No change {writeBackId} was sent to this integration.");
        }
        if (writeBack.State != WriteBackState.Waiting)
        {
            return (null, StatusCodes.Status409Conflict, $"Change {writeBackId} was already answered ({writeBack.State}); nothing changed.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        writeBack.Answered(accepted, answer.Reason?.Trim(), now);
        if (!accepted)
        {
            await IncidentAsync(writeBack, $"The source refused a change made in the portal ({writeBack.Summary}): {answer.Reason!.Trim()}", now, ct);
        }
        await db.SaveChangesAsync(ct);
        return (Dto(writeBack), StatusCodes.Status200OK, null);
    }

    /// Waiting changes past their time stop waiting and become incidents.
    public async Task<int> TimeOutAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var late = await db.WriteBacks.AcrossAccounts().Where(w => w.State == WriteBackState.Waiting && w.DueBy <= now).OrderBy(w => w.DueBy).Take(100).ToListAsync(ct);
        foreach (var writeBack in late)
        {
            writeBack.TimedOut(now);
            await IncidentAsync(writeBack, $"The source did not acknowledge a change made in the portal within {options.Value.AcknowledgeWithin} ({writeBack.Summary}).", now, ct);
        }
        await db.SaveChangesAsync(ct);
        return late.Count;
    }

    private async Task IncidentAsync(WriteBack writeBack, string problem, DateTime now, CancellationToken ct)
    {
        var incident = await db.DataQualityIncidents.SingleOrDefaultAsync(i => i.IntegrationId == writeBack.IntegrationId && i.ObjectType == writeBack.ObjectType
            && i.ExternalId == writeBack.ExternalId, ct);
        if (incident is null)
        {
            db.DataQualityIncidents.Add(new DataQualityIncident(writeBack.IntegrationId, writeBack.ObjectType, writeBack.ExternalId, problem, now));
        }
        else
        {
            incident.SeenAgain(problem, now);
        }
    }

    internal static WriteBackDto Dto(WriteBack w) => new(w.Id, w.ObjectType, w.ExternalId, w.State.ToString(), w.SentAt, w.AnsweredAt, w.Reason);
}

internal static class WriteBackApi
{
    public static void MapWriteBacks(this RouteGroupBuilder api) =>
        api.MapPost("/write-backs/{writeBackId}/acknowledgement", async Task<Results<Ok<WriteBackDto>, ProblemHttpResult>> (string writeBackId, WriteBackAnswer answer,
            HttpContext http, WriteBacks writeBacks, CancellationToken ct) =>
        {
            var id = IntegrationApi.IntegrationId(http);
            if (!Guid.TryParse(writeBackId, out var parsed))
            {
                return TypedResults.Problem(ProblemTexts.Say(http, "No change {0} was sent to this integration.", writeBackId), statusCode: StatusCodes.Status404NotFound);
            }
            var (value, status, problem) = await writeBacks.AnswerAsync(id, parsed, answer, ct);
            return value is not null ? TypedResults.Ok(value) : TypedResults.Problem(problem, statusCode: status);
        }).WithName("AcknowledgeWriteBack")
          .WithSummary("Answer a change made in the portal (the writeBackId of an account.address_changed or contact.changed webhook): {\"accepted\": true}, or false with a reason.")
          .WithDescription("Until answered the portal shows the change as waiting for this source. A refusal, or no answer within WriteBacks:AcknowledgeWithin, "
              + "becomes a data-quality incident for staff and the customer sees the change did not go through. A change sent to another integration answers 404.");
}
