namespace Portico.Features.Webhooks;

/// The events a webhook endpoint can subscribe to.
public static class WebhookEvents
{
    public const string RequestCreated = "request.created";
    public const string RequestStatusChanged = "request.status_changed";
    public const string RequestReplied = "request.replied";
    public const string DocumentUploaded = "document.uploaded";
    public const string DocumentRequestFulfilled = "document_request.fulfilled";
    /// An approved address change, for the system of record that keeps accounts.
    public const string AccountAddressChanged = "account.address_changed";
    /// A change to an account's people, for the system of record that keeps contacts.
    public const string ContactChanged = "contact.changed";

    public static readonly IReadOnlyList<string> All = [RequestCreated, RequestStatusChanged, RequestReplied, DocumentUploaded, DocumentRequestFulfilled, AccountAddressChanged,
        ContactChanged];
}

/// A receiver staff registered. The signing secret is kept encrypted with the app's data protection keys.
public sealed class WebhookEndpoint
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Url { get; private set; } = "";
    public string Description { get; private set; } = "";
    public List<string> Events { get; private set; } = [];
    public string ProtectedSecret { get; private set; } = "";
    public bool IsActive { get; private set; } = true;
    public DateTime CreatedAt { get; private set; }

    private WebhookEndpoint() { }

    public WebhookEndpoint(string url, string description, IEnumerable<string> events, string protectedSecret, DateTime now)
    {
        Url = url;
        Description = description;
        Events = events.Distinct().Order(StringComparer.Ordinal).ToList();
        ProtectedSecret = protectedSecret;
        CreatedAt = now;
    }

    public void Deactivate() => IsActive = false;
}

/// One event for one endpoint, with the outcome of its latest attempt.
public sealed class WebhookDelivery
{
    public Guid Id { get; private set; }
    public Guid EndpointId { get; private set; }
    public string Event { get; private set; } = "";
    public string Payload { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public int Attempts { get; private set; }
    public DateTime? LastAttemptAt { get; private set; }
    public int? LastStatusCode { get; private set; }
    public string? LastError { get; private set; }
    public DateTime? DeliveredAt { get; private set; }

    private WebhookDelivery() { }

    public WebhookDelivery(Guid id, Guid endpointId, string @event, string payload, DateTime now)
    {
        Id = id;
        EndpointId = endpointId;
        Event = @event;
        Payload = payload;
        CreatedAt = now;
    }

    public void Attempted(int? statusCode, string? error, DateTime now)
    {
        Attempts++;
        LastAttemptAt = now;
        LastStatusCode = statusCode;
        LastError = error is { Length: > 500 } ? error[..500] : error;
        if (error is null)
        {
            DeliveredAt = now;
        }
    }

    public void Redeliver() => DeliveredAt = null;
}

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.Property(e => e.Url).HasMaxLength(500);
        b.Property(e => e.Description).HasMaxLength(200);
        b.Property(e => e.ProtectedSecret).HasMaxLength(1000);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.HasIndex(d => new { d.EndpointId, d.CreatedAt });
        b.HasIndex(d => d.CreatedAt);
        b.Property(d => d.Id).ValueGeneratedNever();
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        b.Property(d => d.Event).HasMaxLength(50);
        b.Property(d => d.LastError).HasMaxLength(500);
    }
}
