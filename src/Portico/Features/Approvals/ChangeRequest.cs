namespace Portico.Features.Approvals;

public enum ChangeStatus
{
    [Display(Name = "Waiting for approval"), Badge(Tone.Waiting, Icon.Clock)] Pending = 1,
    [Display(Name = "Approved"), Badge(Tone.Success, Icon.Check)] Approved = 2,
    [Display(Name = "Rejected"), Badge(Tone.Danger, Icon.X)] Rejected = 3,
    [Display(Name = "Withdrawn"), Badge(Tone.Neutral, Icon.Undo)] Withdrawn = 4,
}

/// What a role change, an invitation or an address change asks for, kept until someone decides.
public sealed record RoleChangePayload(Guid MembershipId, Guid RoleId, string RoleName, string FromRoleName, string PersonName, string PersonEmail);

public sealed record InvitationPayload(string Email, Guid RoleId, string RoleName, DateOnly? AccessUntil);

public sealed record AddressPayload(string Lines, string City, string PostalCode, string Country);

public static class ChangeTypes
{
    public const string RoleChange = "role_change";
    public const string Invitation = "invitation";
    public const string Address = "address";
}

/// A sensitive change held back by an approval rule. Nothing of it is applied until it is approved;
/// approval applies it in the same transaction that records the decision.
public sealed class ChangeRequest : IAccountOwned
{
    public const int ReasonMaxLength = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid AccountId { get; private set; }
    /// One of ChangeTypes: what to apply on approval.
    public string Type { get; private set; } = "";
    /// The rule's kind of change (ChangeKinds), kept for searching and display.
    public string Kind { get; private set; } = "";
    /// What the change is about (a membership, an email address, the address), so one thing has one open request.
    public string Subject { get; private set; } = "";
    public string Summary { get; private set; } = "";
    public string Payload { get; private set; } = "";
    public ApproverKind Approver { get; private set; }
    public Guid RequestedById { get; private set; }
    public string RequestedByName { get; private set; } = "";
    public DateTime RequestedAt { get; private set; }
    public ChangeStatus Status { get; private set; } = ChangeStatus.Pending;
    public Guid? DecidedById { get; private set; }
    public string? DecidedByName { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public string? Reason { get; private set; }
    /// Changes on every decision so two people deciding at once cannot both succeed.
    public Guid Version { get; private set; } = Guid.NewGuid();

    private ChangeRequest() { }

    public ChangeRequest(Guid accountId, string kind, string subject, string summary, object payload,
        ApproverKind approver, Guid requestedById, string requestedByName, DateTime now)
    {
        AccountId = accountId;
        Type = Payloads.FirstOrDefault(p => p.Record == payload.GetType()).Type
            ?? throw new ArgumentException($"{payload.GetType().Name} is not a change payload.", nameof(payload));
        Kind = kind;
        Subject = subject;
        Summary = summary;
        Payload = JsonSerializer.Serialize(payload, Json);
        Approver = approver;
        RequestedById = requestedById;
        RequestedByName = requestedByName;
        RequestedAt = now;
    }

    public T Read<T>() => JsonSerializer.Deserialize<T>(Payload, Json) ?? throw new InvalidOperationException($"Change request {Id} has no payload.");

    /// Each type of change with the payload record it keeps: the type is read from the record when a change is made,
    /// and the record from the type when it is shown.
    private static readonly (string Type, System.Type Record)[] Payloads =
        [(ChangeTypes.RoleChange, typeof(RoleChangePayload)), (ChangeTypes.Invitation, typeof(InvitationPayload)), (ChangeTypes.Address, typeof(AddressPayload))];

    /// The payload record a change of this type keeps.
    public static object PayloadOf(string type, string payload) =>
        (Payloads.FirstOrDefault(p => p.Type == type).Record is { } record ? JsonSerializer.Deserialize(payload, record, Json) : null)
        ?? throw new InvalidOperationException($"A change of type {type} has no payload.");

    public void Approve(Guid by, string byName, string reason, DateTime now) => Decide(ChangeStatus.Approved, by, byName, reason, now);

    public void Reject(Guid by, string byName, string reason, DateTime now) => Decide(ChangeStatus.Rejected, by, byName, reason, now);

    public void Withdraw(Guid by, string byName, DateTime now) => Decide(ChangeStatus.Withdrawn, by, byName, null, now);

    private void Decide(ChangeStatus status, Guid by, string byName, string? reason, DateTime now)
    {
        if (Status != ChangeStatus.Pending)
        {
            throw new InvalidOperationException("Only a pending change can be decided.");
        }
        Status = status;
        DecidedById = by;
        DecidedByName = byName;
        DecidedAt = now;
        Reason = reason;
        Version = Guid.NewGuid();
    }
}

internal sealed class ChangeRequestConfiguration : IEntityTypeConfiguration<ChangeRequest>
{
    public void Configure(EntityTypeBuilder<ChangeRequest> b)
    {
        b.Property(c => c.Type).HasMaxLength(30);
        b.Property(c => c.Kind).HasMaxLength(50);
        b.Property(c => c.Subject).HasMaxLength(300);
        b.Property(c => c.Summary).HasMaxLength(500);
        b.Property(c => c.Payload).HasMaxLength(4000);
        b.Property(c => c.Approver).HasConversion<string>().HasMaxLength(30);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.RequestedByName).HasMaxLength(200);
        b.Property(c => c.DecidedByName).HasMaxLength(200);
        b.Property(c => c.Reason).HasMaxLength(ChangeRequest.ReasonMaxLength);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasIndex(c => new { c.AccountId, c.Status, c.RequestedAt });
        b.HasIndex(c => new { c.Status, c.Approver, c.RequestedAt });
        // One waiting change per subject, however many asks arrive at once: the check before saving cannot see a
        // parallel ask that has not committed yet.
        b.HasIndex(c => new { c.AccountId, c.Subject }).IsUnique().HasFilter("\"Status\" = 'Pending'").HasDatabaseName("IX_ChangeRequests_Pending_Subject");
        b.HasOne<Accounts.Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
