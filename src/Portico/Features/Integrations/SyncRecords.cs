using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Portico.Features.Integrations;

// What systems of record send. Unknown fields are refused so typos never pass silently. Every record may carry
// the source's version and change time (left out of the stored JSON when absent, so older content hashes still match).

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AccountRecord(string? ExternalId, string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description(SourceVersions.VersionHelp)] long? Version = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description(SourceVersions.UpdatedAtHelp)] DateTime? UpdatedAt = null) : IVersionedRecord;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record InvoiceLineRecord(string? Description, decimal? Quantity, decimal? UnitPrice, decimal? Amount);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PaymentRecord(DateOnly? PaidOn, decimal? Amount, string? Reference);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record InvoiceRecord(string? ExternalId, string? ExternalAccountId, string? Number, string? Currency, DateOnly? IssuedOn, DateOnly? DueOn,
    string? Status, decimal? Total, List<InvoiceLineRecord>? Lines, List<PaymentRecord>? Payments, string? PdfUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description(SourceVersions.VersionHelp)] long? Version = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description(SourceVersions.UpdatedAtHelp)] DateTime? UpdatedAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description(SourceVersions.DeletedHelp)] bool? Deleted = null) : IVersionedRecord, IDeletableRecord;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MilestoneRecord(string? Name, DateOnly? DueOn, DateOnly? DoneOn);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TrackingRecord(string? Carrier, string? Number, string? Url);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OrderEventRecord(DateTime? At, string? Text);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OrderRecord(string? ExternalId, string? ExternalAccountId, string? Reference, string? Title, string? Kind, string? Status,
    List<MilestoneRecord>? Milestones, TrackingRecord? Tracking, List<OrderEventRecord>? Timeline,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description(SourceVersions.VersionHelp)] long? Version = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description(SourceVersions.UpdatedAtHelp)] DateTime? UpdatedAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description(SourceVersions.DeletedHelp)] bool? Deleted = null) : IVersionedRecord, IDeletableRecord;

/// The body of every batch endpoint.
public sealed record Batch<T>(List<T> Records);

/// Outcome is created, updated, deleted, unchanged, stale (older than what is stored, not applied) or error; Detail says why a record was stale.
public sealed record RecordResult(int Index, string? ExternalId, string Outcome, IReadOnlyDictionary<string, string>? Errors = null, string? Detail = null);

public sealed record BatchResult(int Created, int Updated, int Unchanged, int Stale, int Failed, IReadOnlyList<RecordResult> Results, int Deleted = 0);
