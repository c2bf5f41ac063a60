using Portico.Features.Insights;

namespace Portico.Features.Requests;

/// The requester's 1–5 satisfaction rating of a resolved request, with an optional comment; one per request.
public sealed class RequestRating : IAccountOwned
{
    public const int MinScore = 1;
    public const int MaxScore = 5;
    public const int CommentLength = 2000;

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    public Guid RequestId { get; private set; }
    public Guid RatedById { get; private set; }
    public int Score { get; private set; }
    public string? Comment { get; private set; }
    public DateTime RatedAt { get; private set; }

    private RequestRating() { }

    public RequestRating(Request request, Guid ratedById, int score, string? comment, DateTime now)
    {
        AccountId = request.AccountId;
        RequestId = request.Id;
        RatedById = ratedById;
        Score = score;
        Comment = comment;
        RatedAt = now;
    }

    public static readonly IReadOnlyList<(int Score, string Label)> Scale =
        [(1, "Very unsatisfied"), (2, "Unsatisfied"), (3, "Neutral"), (4, "Satisfied"), (5, "Very satisfied")];
}

internal sealed class RequestRatingConfiguration : IEntityTypeConfiguration<RequestRating>
{
    public void Configure(EntityTypeBuilder<RequestRating> b)
    {
        // One rating per request, also when two posts race.
        b.HasIndex(r => r.RequestId).IsUnique();
        b.HasOne<Request>().WithMany().HasForeignKey(r => r.RequestId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Comment).HasMaxLength(RequestRating.CommentLength);
    }
}

/// The requester rates a resolved request once. Only the person who submitted it may; everyone else is refused.
public sealed class RateRequest(PorticoDb db, RequestAccess access, AuditLog audit, KeyEvents keyEvents, TimeProvider clock,
    IStringLocalizer<RateRequest> text)
{
    public const string AlreadyRated = "You have already rated this request; a rating cannot be changed.";

    public async Task<Outcome> RunAsync(Guid requestId, int? score, string? comment, CancellationToken ct)
    {
        var request = await access.Visible().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return Outcome.NotFound;
        }
        if (!access.CanAct || request.SubmitterId != access.UserId)
        {
            return Outcome.Forbidden(text["Only the person who submitted this request can rate it."]);
        }
        if (request.Status is not (RequestStatus.Resolved or RequestStatus.Closed) || request.ResolvedAt is null)
        {
            return Outcome.Refused(text["A request can be rated once it is resolved."]);
        }
        if (await db.RequestRatings.AnyAsync(r => r.RequestId == requestId, ct))
        {
            return Outcome.Refused(text[AlreadyRated]);
        }
        var errors = new Dictionary<string, string>();
        if (score is not (>= RequestRating.MinScore and <= RequestRating.MaxScore))
        {
            errors["Score"] = text["Choose a rating from {0} to {1}.", RequestRating.MinScore, RequestRating.MaxScore];
        }
        var given = comment?.Trim().ReplaceLineEndings("\n");
        if (given?.Length > RequestRating.CommentLength)
        {
            errors["Comment"] = text["A comment can be at most {0:N0} characters (this one has {1:N0}).", RequestRating.CommentLength, given.Length];
        }
        if (errors.Count > 0)
        {
            return Outcome.Refused(errors.Values.First(), errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var rating = new RequestRating(request, access.UserId, score!.Value, string.IsNullOrEmpty(given) ? null : given, now);
        db.RequestRatings.Add(rating);
        db.RequestEvents.Add(new RequestEvent(request, now, access.UserName, $"Rated {rating.Score} of {RequestRating.MaxScore}"));
        audit.Record(AuditActions.RequestRated, request.AccountId, "Request", request.Id.ToString(),
            new { number = request.Number, score = rating.Score, commented = rating.Comment is not null });
        keyEvents.Record(KeyEventKind.RequestRated, request.AccountId, access.UserId);
        try
        {
            await db.SaveChangesAsync(ct);
            return Outcome.Done;
        }
        catch (DbUpdateException)
        {
            // A parallel post won the unique index; the other one is told, not shown a server error.
            db.ChangeTracker.Clear();
            if (await db.RequestRatings.AnyAsync(r => r.RequestId == requestId, ct))
            {
                return Outcome.Refused(text[AlreadyRated]);
            }
            throw;
        }
    }
}
