namespace Portico.Features.Integrations;

/// An outside system of record (billing, CRM, ERP, helpdesk) that pushes data into the portal.
public sealed class Integration
{
    public Guid Id { get; private set; } = Guid.NewGuid();
    public string Name { get; private set; } = "";
    /// How often the source is expected to sync; later than this and pages warn that data may be stale.
    public int ExpectedSyncMinutes { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? LastSuccessAt { get; private set; }
    public DateTime? LastFailureAt { get; private set; }
    public string? LastError { get; private set; }
    public long RecordsSynced { get; private set; }
    /// For a source that cannot push: where Portico reads its changes (GET …?cursor=…); null when it pushes.
    public string? ChangeFeedUrl { get; private set; }
    /// Where the change feed resumes; moved only in the transaction that applies the page it came with.
    public string? ChangeFeedCursor { get; private set; }
    public DateTime? NextPollAt { get; private set; }
    /// Failed polls in a row; the wait before the next one doubles with each.
    public int PollFailures { get; private set; }

    private Integration() { }

    public Integration(string name, int expectedSyncMinutes, DateTime now)
    {
        Name = name;
        ExpectedSyncMinutes = expectedSyncMinutes;
        CreatedAt = now;
    }

    public void Update(string name, int expectedSyncMinutes)
    {
        Name = name;
        ExpectedSyncMinutes = expectedSyncMinutes;
    }

    public void Succeeded(int records, DateTime now)
    {
        LastSuccessAt = now;
        RecordsSynced += records;
    }

    public void Failed(string error, DateTime now)
    {
        LastFailureAt = now;
        LastError = error.Length > 1000 ? error[..1000] : error;
    }

    /// A new feed, or the same one read from its beginning: polled at once.
    public void ReadChangesFrom(string? url)
    {
        ChangeFeedUrl = url;
        ChangeFeedCursor = null;
        NextPollAt = null;
        PollFailures = 0;
    }

    public void ChangesApplied(string cursor, DateTime now)
    {
        ChangeFeedCursor = cursor;
        PollFailures = 0;
        Succeeded(0, now);
    }

    public void PollCompleted(DateTime next) => NextPollAt = next;

    /// The feed failed: the failure shows on the health page and the next poll waits longer each time.
    public void PollFailed(string error, DateTime now, TimeSpan firstRetryDelay, TimeSpan maxRetryDelay)
    {
        Failed(error, now);
        PollFailures++;
        var wait = TimeSpan.FromTicks(Math.Min(maxRetryDelay.Ticks, firstRetryDelay.Ticks * (1L << Math.Min(PollFailures - 1, 30))));
        NextPollAt = now + wait;
    }

    /// Late (the health page's "Late", the customer's "may be out of date"): past StaleSince, or never synced.
    public bool IsStale(DateTime now) => LastSuccessAt is null || now > StaleSince;

    /// From when the integration is stale unless it syncs first.
    public DateTime StaleSince => StaleFrom(LastSuccessAt, CreatedAt, ExpectedSyncMinutes);

    /// The expected interval after the last success; from the moment it was added while it has never synced, as the health
    /// page shows it late from then. Static so the figures can ask it of the values stored before a save.
    public static DateTime StaleFrom(DateTime? lastSuccessAt, DateTime createdAt, int expectedSyncMinutes) =>
        lastSuccessAt is { } at ? at.AddMinutes(expectedSyncMinutes) : createdAt;
}

/// A secret an integration authenticates with. Only a hash is stored; the secret is shown once.
public sealed class IntegrationKey
{
    public const string Prefix = "portico_";

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid IntegrationId { get; private set; }
    public string Name { get; private set; } = "";
    /// Public part of the key used to find it; the rest is secret.
    public string KeyId { get; private set; } = "";
    public string SecretHash { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime? LastUsedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    private IntegrationKey() { }

    /// Creates a key and returns the full secret, which is never stored.
    public static (IntegrationKey Key, string Secret) Create(Guid integrationId, string name, DateTime now)
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new IntegrationKey { IntegrationId = integrationId, Name = name, KeyId = keyId, SecretHash = Hash(secret), CreatedAt = now };
        return (key, $"{Prefix}{keyId}_{secret}");
    }

    /// The key id and secret from a presented token, or null when it is not shaped like one.
    public static (string KeyId, string Secret)? Parse(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var rest = token[Prefix.Length..];
        var split = rest.IndexOf('_', StringComparison.Ordinal);
        return split == 12 ? (rest[..split], rest[(split + 1)..]) : null;
    }

    // The secret is 256 random bits, so a plain SHA-256 is enough; no password stretching needed.
    public bool Matches(string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(SecretHash));

    public void Used(DateTime now) => LastUsedAt = now;

    public void Revoke(DateTime now) => RevokedAt ??= now;

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// Which integration owns an object type. Only its keys may write that type; the portal never edits it.
public sealed class SystemOfRecord
{
    public string ObjectType { get; private set; } = "";
    public Guid IntegrationId { get; private set; }

    private SystemOfRecord() { }

    public SystemOfRecord(string objectType, Guid integrationId)
    {
        ObjectType = objectType;
        IntegrationId = integrationId;
    }

    public void AssignTo(Guid integrationId) => IntegrationId = integrationId;
}

public static class SyncedObjectTypes
{
    public const string Accounts = "accounts";
    public const string Invoices = "invoices";
    public const string Orders = "orders";
    /// An account's people: never pushed through the API, but an integration that owns them is told of every change made in
    /// the portal (invitations, roles, access, removals) and acknowledges it as it does address changes.
    public const string Contacts = "contacts";

    /// The types sources push.
    public static readonly IReadOnlyList<string> All = [Accounts, Invoices, Orders];
    /// The types an integration can be the system of record for.
    public static readonly IReadOnlyList<string> Ownable = [Accounts, Contacts, Invoices, Orders];
}

/// How a data quality incident was closed.
public enum IncidentResolution
{
    /// The source sent the record again once its account was known.
    Synced,
    /// Staff mapped the external account to an existing account and the held record was applied.
    Mapped,
    /// Staff created an account for the external account and the held record was applied.
    Created,
    /// Staff closed it with a reason; the record was not applied.
    Dismissed,
}

/// A record the portal could not place, reported instead of guessed (for example an unknown account).
/// The last refused record is held, so staff can apply it once they say which account it belongs to.
public sealed class DataQualityIncident
{
    public const int MaxReasonLength = 500;

    public long Id { get; private set; }
    public Guid IntegrationId { get; private set; }
    public string ObjectType { get; private set; } = "";
    public string ExternalId { get; private set; } = "";
    public string Problem { get; private set; } = "";
    /// The account id the source named, which the portal did not know.
    public string? ExternalAccountId { get; private set; }
    /// The last refused record as JSON; null for incidents raised before records were held.
    public string? HeldRecord { get; private set; }
    public DateTime FirstSeenAt { get; private set; }
    public DateTime LastSeenAt { get; private set; }
    public int Occurrences { get; private set; }
    public DateTime? ResolvedAt { get; private set; }
    public IncidentResolution? Resolution { get; private set; }
    /// The staff member who resolved it; null when a sync did.
    public Guid? ResolvedById { get; private set; }
    public string? ResolvedByName { get; private set; }
    /// Why staff dismissed it.
    public string? Reason { get; private set; }

    private DataQualityIncident() { }

    public DataQualityIncident(Guid integrationId, string objectType, string externalId, string problem, DateTime now,
        string? externalAccountId = null, string? heldRecord = null)
    {
        IntegrationId = integrationId;
        ObjectType = objectType;
        ExternalId = externalId;
        Problem = problem;
        ExternalAccountId = externalAccountId;
        HeldRecord = heldRecord;
        FirstSeenAt = now;
        LastSeenAt = now;
        Occurrences = 1;
    }

    public bool IsOpen => ResolvedAt is null;

    public TimeSpan? TimeToResolve => ResolvedAt - FirstSeenAt;

    /// Sent again and still not placeable: the newer record is held and a resolved incident opens again.
    public void SeenAgain(string problem, DateTime now, string? externalAccountId = null, string? heldRecord = null)
    {
        Problem = problem;
        ExternalAccountId = externalAccountId ?? ExternalAccountId;
        HeldRecord = heldRecord ?? HeldRecord;
        LastSeenAt = now;
        Occurrences++;
        ResolvedAt = null;
        Resolution = null;
        ResolvedById = null;
        ResolvedByName = null;
        Reason = null;
    }

    public void Resolve(DateTime now) => Resolve(IncidentResolution.Synced, null, null, null, now);

    public void Resolve(IncidentResolution how, Guid? byId, string? byName, string? reason, DateTime now)
    {
        ResolvedAt = now;
        Resolution = how;
        ResolvedById = byId;
        ResolvedByName = byName;
        Reason = reason;
    }
}

internal sealed class IntegrationConfiguration : IEntityTypeConfiguration<Integration>
{
    public void Configure(EntityTypeBuilder<Integration> b)
    {
        b.HasIndex(i => i.Name).IsUnique();
        b.Property(i => i.Name).HasMaxLength(100);
        b.Property(i => i.LastError).HasMaxLength(1000);
        b.Property(i => i.ChangeFeedUrl).HasMaxLength(2000);
        // Two pollers (two instances of the portal) cannot both move the cursor from the same place.
        b.Property(i => i.ChangeFeedCursor).HasMaxLength(ChangeFeed.MaxCursorLength).IsConcurrencyToken();
    }
}

internal sealed class IntegrationKeyConfiguration : IEntityTypeConfiguration<IntegrationKey>
{
    public void Configure(EntityTypeBuilder<IntegrationKey> b)
    {
        b.HasIndex(k => k.KeyId).IsUnique();
        b.HasOne<Integration>().WithMany().HasForeignKey(k => k.IntegrationId).OnDelete(DeleteBehavior.Cascade);
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.KeyId).HasMaxLength(12);
        b.Property(k => k.SecretHash).HasMaxLength(64);
    }
}

internal sealed class SystemOfRecordConfiguration : IEntityTypeConfiguration<SystemOfRecord>
{
    public void Configure(EntityTypeBuilder<SystemOfRecord> b)
    {
        b.HasKey(s => s.ObjectType);
        b.Property(s => s.ObjectType).HasMaxLength(30);
        b.HasOne<Integration>().WithMany().HasForeignKey(s => s.IntegrationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DataQualityIncidentConfiguration : IEntityTypeConfiguration<DataQualityIncident>
{
    public void Configure(EntityTypeBuilder<DataQualityIncident> b)
    {
        b.HasIndex(i => new { i.IntegrationId, i.ObjectType, i.ExternalId }).IsUnique();
        b.HasOne<Integration>().WithMany().HasForeignKey(i => i.IntegrationId).OnDelete(DeleteBehavior.Cascade);
        b.Property(i => i.ObjectType).HasMaxLength(30);
        b.Property(i => i.ExternalId).HasMaxLength(100);
        b.Property(i => i.Problem).HasMaxLength(1000);
        b.Property(i => i.ExternalAccountId).HasMaxLength(100);
        b.Property(i => i.Resolution).HasConversion<string>().HasMaxLength(20);
        b.Property(i => i.ResolvedByName).HasMaxLength(256);
        b.Property(i => i.Reason).HasMaxLength(DataQualityIncident.MaxReasonLength);
        // Open incidents are listed oldest first.
        b.HasIndex(i => new { i.ResolvedAt, i.FirstSeenAt });
    }
}
