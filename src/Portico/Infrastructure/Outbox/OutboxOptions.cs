namespace Portico.Infrastructure.Outbox;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// How often the worker looks for due messages when nothing woke it.
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// How long a claimed message stays reserved; a crashed worker's claims expire after this.
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// After this many failed attempts a message is parked as failed for staff to see.
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 15;

    [Range(1, 500)]
    public int BatchSize { get; set; } = 20;

    public bool Enabled { get; set; } = true;
}
