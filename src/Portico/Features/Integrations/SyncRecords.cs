using System.Text.Json.Serialization;

namespace Portico.Features.Integrations;

// What systems of record send. Unknown fields are refused so typos never pass silently.

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AccountRecord(string? ExternalId, string? Name);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record InvoiceLineRecord(string? Description, decimal? Quantity, decimal? UnitPrice, decimal? Amount);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PaymentRecord(DateOnly? PaidOn, decimal? Amount, string? Reference);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record InvoiceRecord(string? ExternalId, string? ExternalAccountId, string? Number, string? Currency, DateOnly? IssuedOn, DateOnly? DueOn,
    string? Status, decimal? Total, List<InvoiceLineRecord>? Lines, List<PaymentRecord>? Payments, string? PdfUrl);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MilestoneRecord(string? Name, DateOnly? DueOn, DateOnly? DoneOn);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TrackingRecord(string? Carrier, string? Number, string? Url);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OrderEventRecord(DateTime? At, string? Text);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OrderRecord(string? ExternalId, string? ExternalAccountId, string? Reference, string? Title, string? Kind, string? Status,
    List<MilestoneRecord>? Milestones, TrackingRecord? Tracking, List<OrderEventRecord>? Timeline);

/// The body of every batch endpoint.
public sealed record Batch<T>(List<T> Records);

public sealed record RecordResult(int Index, string? ExternalId, string Outcome, IReadOnlyDictionary<string, string>? Errors = null);

public sealed record BatchResult(int Created, int Updated, int Unchanged, int Failed, IReadOnlyList<RecordResult> Results);
