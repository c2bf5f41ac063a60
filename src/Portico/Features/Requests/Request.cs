namespace Portico.Features.Requests;

public enum RequestStatus
{
    [Display(Name = "New"), Badge(Tone.Info, Icon.Inbox)] New = 1,
    [Display(Name = "In progress"), Badge(Tone.Progress, Icon.Progress)] InProgress = 2,
    [Display(Name = "Waiting on customer"), Badge(Tone.Waiting, Icon.Chat)] WaitingOnCustomer = 3,
    [Display(Name = "Resolved"), Badge(Tone.Success, Icon.Check)] Resolved = 4,
    [Display(Name = "Closed"), Badge(Tone.Neutral, Icon.Lock)] Closed = 5,
}

/// The allowed moves between statuses; everything else is refused with a message.
public static class RequestWorkflow
{
    private static readonly Dictionary<RequestStatus, RequestStatus[]> Allowed = new()
    {
        [RequestStatus.New] = [RequestStatus.InProgress, RequestStatus.WaitingOnCustomer, RequestStatus.Resolved, RequestStatus.Closed],
        [RequestStatus.InProgress] = [RequestStatus.WaitingOnCustomer, RequestStatus.Resolved, RequestStatus.Closed],
        [RequestStatus.WaitingOnCustomer] = [RequestStatus.InProgress, RequestStatus.Resolved, RequestStatus.Closed],
        [RequestStatus.Resolved] = [RequestStatus.InProgress, RequestStatus.Closed],
        [RequestStatus.Closed] = [],
    };

    public static IReadOnlyList<RequestStatus> NextFrom(RequestStatus status) => Allowed[status];

    public static bool CanMove(RequestStatus from, RequestStatus to) => Allowed[from].Contains(to);

    public static bool IsOpen(this RequestStatus status) => status is not (RequestStatus.Resolved or RequestStatus.Closed);
}

/// A customer's request for help, owned by one account.
public sealed class Request : IAccountOwned
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    /// Human-facing number, unique within the account ("#12").
    public int Number { get; private set; }
    public Guid TypeId { get; private set; }
    public RequestType Type { get; private set; } = null!;
    public string Subject { get; private set; } = "";
    public RequestPriority Priority { get; private set; }
    public RequestStatus Status { get; private set; } = RequestStatus.New;
    public Guid SubmitterId { get; private set; }
    public string SubmitterName { get; private set; } = "";
    public Guid? AssigneeId { get; private set; }
    public string? AssigneeName { get; private set; }
    /// Shared requests are visible to every member who may see requests, not only the submitter.
    public bool SharedWithAccount { get; private set; }
    public Dictionary<string, string> FieldValues { get; private set; } = [];
    /// How the request reached us: the portal, or staff logging it for the customer from a call or an email.
    public Insights.Channel Channel { get; private set; } = Insights.Channel.Portal;
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? FirstRespondedAt { get; private set; }
    public DateTime? ResolvedAt { get; private set; }
    public DateTime? ClosedAt { get; private set; }
    /// Set while waiting on the customer; SLA clocks do not run then.
    public DateTime? WaitingSince { get; private set; }
    public long PausedSeconds { get; private set; }
    public long PausedBeforeFirstResponseSeconds { get; private set; }
    public DateTime FirstResponseDueAt { get; private set; }
    public DateTime ResolutionDueAt { get; private set; }
    /// Kept in step with the status and clocks so the staff queue can read open work in due order from an index.
    public bool IsOpen { get; private set; } = true;
    public DateTime NextDueAt { get; private set; }
    /// Bumped on every change so two people acting at once cannot overwrite each other.
    public int Version { get; private set; }

    private Request() { }

    public Request(Guid accountId, int number, RequestType type, string subject, RequestPriority priority, Guid submitterId, string submitterName,
        bool shared, Dictionary<string, string> fieldValues, DateTime now, Insights.Channel channel = Insights.Channel.Portal)
    {
        AccountId = accountId;
        Channel = channel;
        Number = number;
        TypeId = type.Id;
        Subject = subject;
        Priority = priority;
        SubmitterId = submitterId;
        SubmitterName = submitterName;
        SharedWithAccount = shared;
        FieldValues = fieldValues;
        CreatedAt = now;
        UpdatedAt = now;
        var target = type.TargetFor(priority);
        FirstResponseDueAt = now.AddHours(target.FirstResponseHours);
        ResolutionDueAt = now.AddHours(target.ResolutionHours);
        NextDueAt = FirstResponseDueAt;
    }

    public void MoveTo(RequestStatus to, DateTime now)
    {
        if (!RequestWorkflow.CanMove(Status, to))
        {
            throw new InvalidOperationException($"A request that is {Status.Human()} cannot move to {to.Human()}.");
        }
        if (Status == RequestStatus.WaitingOnCustomer && WaitingSince is { } since)
        {
            var paused = (long)(now - since).TotalSeconds;
            PausedSeconds += paused;
            ResolutionDueAt = ResolutionDueAt.AddSeconds(paused);
            if (FirstRespondedAt is null)
            {
                FirstResponseDueAt = FirstResponseDueAt.AddSeconds(paused);
            }
            WaitingSince = null;
        }
        if (to == RequestStatus.WaitingOnCustomer)
        {
            WaitingSince = now;
        }
        if (to == RequestStatus.Resolved)
        {
            ResolvedAt = now;
        }
        else if (to is RequestStatus.InProgress && Status == RequestStatus.Resolved)
        {
            ResolvedAt = null; // reopened: resolution time is measured again
        }
        if (to == RequestStatus.Closed)
        {
            ClosedAt = now;
            ResolvedAt ??= now;
        }
        Status = to;
        Touch(now);
    }

    public void RecordStaffResponse(DateTime now)
    {
        if (FirstRespondedAt is null)
        {
            FirstRespondedAt = now;
            PausedBeforeFirstResponseSeconds = PausedSeconds + (WaitingSince is { } since ? (long)(now - since).TotalSeconds : 0);
        }
        Touch(now);
    }

    public void AssignTo(Guid? assigneeId, string? assigneeName, DateTime now)
    {
        AssigneeId = assigneeId;
        AssigneeName = assigneeId is null ? null : assigneeName;
        Touch(now);
    }

    public void ShareWithAccount(bool shared, DateTime now)
    {
        SharedWithAccount = shared;
        Touch(now);
    }

    public void Touch(DateTime now)
    {
        IsOpen = Status.IsOpen();
        NextDueAt = FirstRespondedAt is null ? FirstResponseDueAt : ResolutionDueAt;
        UpdatedAt = now;
        Version++;
    }

    /// Working seconds from submission to the first staff reply, excluding time waiting on the customer.
    public long? FirstResponseSeconds => FirstRespondedAt is { } at ? (long)(at - CreatedAt).TotalSeconds - PausedBeforeFirstResponseSeconds : null;

    /// Working seconds from submission to resolution, excluding time waiting on the customer.
    public long? ResolutionSeconds => ResolvedAt is { } at ? (long)(at - CreatedAt).TotalSeconds - PausedSeconds : null;

    public bool FirstResponseBreached(DateTime now) =>
        FirstRespondedAt is { } at ? at > FirstResponseDueAt : Status.IsOpen() && Status != RequestStatus.WaitingOnCustomer && now > FirstResponseDueAt;

    public bool ResolutionBreached(DateTime now) =>
        ResolvedAt is { } at ? at > ResolutionDueAt : Status != RequestStatus.WaitingOnCustomer && now > ResolutionDueAt;
}

/// A public reply or an internal note. Internal notes are staff-only, always.
public sealed class RequestMessage : IAccountOwned
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    public Guid RequestId { get; private set; }
    public Guid AuthorId { get; private set; }
    public string AuthorName { get; private set; } = "";
    public bool FromStaff { get; private set; }
    public bool IsInternal { get; private set; }
    public string Body { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public List<RequestAttachment> Attachments { get; private set; } = [];

    private RequestMessage() { }

    public RequestMessage(Request request, Guid authorId, string authorName, bool fromStaff, bool isInternal, string body, DateTime now)
    {
        AccountId = request.AccountId;
        RequestId = request.Id;
        AuthorId = authorId;
        AuthorName = authorName;
        FromStaff = fromStaff;
        IsInternal = isInternal;
        Body = body;
        CreatedAt = now;
    }
}

/// A file on a request: from a file field of the form, or attached to a message. The file itself
/// lives in blob storage under StorageKey, checked against its SHA-256 on every download.
public sealed class RequestAttachment : IAccountOwned
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    public Guid RequestId { get; private set; }
    public Guid? MessageId { get; private set; }
    public string? FieldKey { get; private set; }
    public string FileName { get; private set; } = "";
    /// Detected from the bytes and the name together, never from what the client claimed.
    public string ContentType { get; private set; } = "";
    public long Size { get; private set; }
    /// Null only on attachments from before blob storage until the start-up move stores them (AttachmentStorageMove).
    public string? StorageKey { get; private set; }
    public string? Sha256 { get; private set; }
    /// Bytes of attachments saved before blob storage; moved out and emptied at start-up. A later release drops the column.
    public byte[]? LegacyContent { get; private set; }
    public Guid UploadedById { get; private set; }
    public DateTime CreatedAt { get; private set; }

    private RequestAttachment() { }

    public RequestAttachment(Request request, Guid? messageId, string? fieldKey, StoredAttachment file, Guid uploadedById, DateTime now)
    {
        AccountId = request.AccountId;
        RequestId = request.Id;
        MessageId = messageId;
        FieldKey = fieldKey;
        FileName = file.FileName;
        ContentType = file.ContentType;
        Size = file.Blob.Size;
        StorageKey = file.Blob.Key;
        Sha256 = file.Blob.Sha256;
        UploadedById = uploadedById;
        CreatedAt = now;
    }
}

/// One line of a request's timeline: submitted, status moves, assignment, visibility.
public sealed class RequestEvent : IAccountOwned
{
    public long Id { get; private set; }
    public Guid AccountId { get; private set; }
    public Guid RequestId { get; private set; }
    public DateTime At { get; private set; }
    public string ActorName { get; private set; } = "";
    public string Text { get; private set; } = "";
    /// Events only staff see, such as who it was assigned to.
    public bool StaffOnly { get; private set; }

    private RequestEvent() { }

    public RequestEvent(Request request, DateTime at, string actorName, string text, bool staffOnly = false)
    {
        AccountId = request.AccountId;
        RequestId = request.Id;
        At = at;
        ActorName = actorName;
        Text = text;
        StaffOnly = staffOnly;
    }
}

/// A file as posted, held in memory up to the attachment limit plus one byte. NameError says why
/// the posted name was unusable (FileName is then empty).
public sealed record UploadedFile(string FileName, byte[] Content, string? NameError = null)
{
    /// Cleans the posted name as document names are cleaned: last path segment, no control or reserved characters.
    public static UploadedFile Named(string? rawName, byte[] content)
    {
        var (name, error) = Documents.FileChecks.CleanName(rawName);
        return new UploadedFile(name ?? "", content, error);
    }
}

internal sealed class RequestConfiguration : IEntityTypeConfiguration<Request>
{
    public void Configure(EntityTypeBuilder<Request> b)
    {
        b.HasIndex(r => new { r.AccountId, r.Number }).IsUnique();
        b.HasIndex(r => new { r.AccountId, r.UpdatedAt });
        b.HasIndex(r => new { r.Status, r.UpdatedAt });
        // The staff search's bare "#12": that request of every account, newest first.
        b.HasIndex(r => new { r.Number, r.UpdatedAt });
        b.HasIndex(r => new { r.AssigneeId, r.Status });
        // Partial, so the queue's "open, soonest due first" reads the index in order on both databases.
        b.HasIndex(r => r.NextDueAt).HasFilter("\"IsOpen\"").HasDatabaseName("IX_Requests_Open_NextDueAt");
        b.HasOne(r => r.Type).WithMany().HasForeignKey(r => r.TypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Subject).HasMaxLength(RequestLimits.Subject);
        b.Property(r => r.SubmitterName).HasMaxLength(200);
        b.Property(r => r.AssigneeName).HasMaxLength(200);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(30);
        b.Property(r => r.Priority).HasConversion<string>().HasMaxLength(30);
        b.Property(r => r.FieldValues).AsJson();
        b.Property(r => r.Version).IsConcurrencyToken();
    }
}

internal sealed class RequestMessageConfiguration : IEntityTypeConfiguration<RequestMessage>
{
    public void Configure(EntityTypeBuilder<RequestMessage> b)
    {
        b.HasIndex(m => new { m.RequestId, m.CreatedAt });
        b.HasOne<Request>().WithMany().HasForeignKey(m => m.RequestId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        b.Property(m => m.AuthorName).HasMaxLength(200);
        b.Property(m => m.Body).HasMaxLength(RequestLimits.Body);
    }
}

internal sealed class RequestAttachmentConfiguration : IEntityTypeConfiguration<RequestAttachment>
{
    public void Configure(EntityTypeBuilder<RequestAttachment> b)
    {
        b.HasIndex(a => a.RequestId);
        b.HasOne<Request>().WithMany().HasForeignKey(a => a.RequestId).OnDelete(DeleteBehavior.Cascade);
        b.Property(a => a.FileName).HasMaxLength(255);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.Property(a => a.FieldKey).HasMaxLength(60);
        b.Property(a => a.StorageKey).HasMaxLength(64);
        b.Property(a => a.Sha256).HasMaxLength(64);
        // The sweeper looks attachments up by key when deciding what is an orphan.
        b.HasIndex(a => a.StorageKey).IsUnique();
        // Kept under its old column name so existing bytes survive until the start-up move empties them.
        b.Property(a => a.LegacyContent).HasColumnName("Content");
    }
}

internal sealed class RequestEventConfiguration : IEntityTypeConfiguration<RequestEvent>
{
    public void Configure(EntityTypeBuilder<RequestEvent> b)
    {
        b.HasIndex(e => new { e.RequestId, e.At });
        b.HasOne<Request>().WithMany().HasForeignKey(e => e.RequestId).OnDelete(DeleteBehavior.Cascade);
        b.Property(e => e.ActorName).HasMaxLength(200);
        b.Property(e => e.Text).HasMaxLength(500);
    }
}
