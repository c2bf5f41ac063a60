using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Portico.Features.Activity;
using Portico.Features.Notifications;
using Portico.Features.Billing;
using Portico.Features.Documents;
using Portico.Features.Orders;
using Portico.Infrastructure.Outbox;

namespace Portico.Data;

/// The one model. Each provider has a subclass only so that it gets its own migrations
/// (see docs/adr/0002-migrations-per-provider.md).
public abstract class PorticoDb(DbContextOptions options, AccountContext account, OutboxSignal? outboxSignal)
    : IdentityUserContext<PorticoUser, Guid>(options), IDataProtectionKeyContext
{
    private static readonly SemaphoreSlim AuditChainLock = new(1, 1);

    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<AccountCounter> AccountCounters => Set<AccountCounter>();
    public DbSet<Role> Roles => Set<Role>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<KeyRingName> KeyRingNames => Set<KeyRingName>();
    public DbSet<RequestType> RequestTypes => Set<RequestType>();
    public DbSet<Request> Requests => Set<Request>();
    public DbSet<RequestMessage> RequestMessages => Set<RequestMessage>();
    public DbSet<RequestAttachment> RequestAttachments => Set<RequestAttachment>();
    public DbSet<RequestEvent> RequestEvents => Set<RequestEvent>();
    public DbSet<RequestRating> RequestRatings => Set<RequestRating>();
    public DbSet<ActivityEntry> ActivityEntries => Set<ActivityEntry>();
    public DbSet<NotificationPreferences> NotificationPreferences => Set<NotificationPreferences>();
    public DbSet<DocumentFolder> DocumentFolders => Set<DocumentFolder>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<DocumentVersion> DocumentVersions => Set<DocumentVersion>();
    public DbSet<DocumentAcknowledgement> DocumentAcknowledgements => Set<DocumentAcknowledgement>();
    public DbSet<DocumentRequest> DocumentRequests => Set<DocumentRequest>();
    public DbSet<Integration> Integrations => Set<Integration>();
    public DbSet<IntegrationKey> IntegrationKeys => Set<IntegrationKey>();
    public DbSet<SystemOfRecord> SystemsOfRecord => Set<SystemOfRecord>();
    public DbSet<DataQualityIncident> DataQualityIncidents => Set<DataQualityIncident>();
    public DbSet<ReconciliationRun> ReconciliationRuns => Set<ReconciliationRun>();
    public DbSet<SnapshotPage> SnapshotPages => Set<SnapshotPage>();
    public DbSet<DeletedRecord> DeletedRecords => Set<DeletedRecord>();
    public DbSet<WriteBack> WriteBacks => Set<WriteBack>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<Features.Webhooks.WebhookEndpoint> WebhookEndpoints => Set<Features.Webhooks.WebhookEndpoint>();
    public DbSet<Features.Webhooks.WebhookDelivery> WebhookDeliveries => Set<Features.Webhooks.WebhookDelivery>();
    public DbSet<Features.Contacts.Invitation> Invitations => Set<Features.Contacts.Invitation>();
    public DbSet<MagicLinkToken> MagicLinkTokens => Set<MagicLinkToken>();
    public DbSet<Features.Staff.SetupLink> SetupLinks => Set<Features.Staff.SetupLink>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<Features.Approvals.ApprovalRule> ApprovalRules => Set<Features.Approvals.ApprovalRule>();
    public DbSet<Features.Approvals.ChangeRequest> ChangeRequests => Set<Features.Approvals.ChangeRequest>();
    public DbSet<Features.Accounts.CustomerView> CustomerViews => Set<Features.Accounts.CustomerView>();
    public DbSet<Features.Branding.StoredBrand> StoredBrands => Set<Features.Branding.StoredBrand>();
    public DbSet<Features.Insights.KeyEvent> KeyEvents => Set<Features.Insights.KeyEvent>();
    public DbSet<Features.Insights.DailyFigure> DailyFigures => Set<Features.Insights.DailyFigure>();
    public DbSet<Features.Insights.PersonActivity> PersonActivities => Set<Features.Insights.PersonActivity>();
    public DbSet<Features.Help.HelpCategory> HelpCategories => Set<Features.Help.HelpCategory>();
    public DbSet<Features.Help.HelpArticle> HelpArticles => Set<Features.Help.HelpArticle>();
    public DbSet<Features.Help.HelpArticleVersion> HelpArticleVersions => Set<Features.Help.HelpArticleVersion>();
    public DbSet<Features.SingleSignOn.SingleSignOnProvider> SingleSignOnProviders => Set<Features.SingleSignOn.SingleSignOnProvider>();
    public DbSet<Features.SingleSignOn.ScimPerson> ScimPeople => Set<Features.SingleSignOn.ScimPerson>();
    public DbSet<Features.SingleSignOn.ScimGroup> ScimGroups => Set<Features.SingleSignOn.ScimGroup>();
    public DbSet<Features.SingleSignOn.ScimGroupMember> ScimGroupMembers => Set<Features.SingleSignOn.ScimGroupMember>();
    public DbSet<Features.SingleSignOn.SingleSignOnDomain> SingleSignOnDomains => Set<Features.SingleSignOn.SingleSignOnDomain>();

    /// Identity's schema version; 3 adds the passkey table. Identity reads it from IdentityOptions, so the
    /// app and the design-time factories both set it from here.
    public static readonly Version IdentitySchemaVersion = Microsoft.AspNetCore.Identity.IdentitySchemaVersions.Version3;

    /// Fixed when the scope first opens its database: a scope that reads across accounts on purpose (background work,
    /// commands) entered that before, and gets a model without the account filter; every other scope gets the model
    /// whose filter keeps account-owned rows to the scope's account. Two models, chosen by AccountModels below, so each
    /// account query is one indexed comparison and nothing is decided in SQL.
    public bool ReadsAcrossAccounts { get; } = account.OpenDatabase();

    /// The scope's verified account; none (Guid.Empty, which owns nothing) keeps account data hidden. Read per query.
    internal Guid ScopedAccountId => account.AccountId ?? Guid.Empty;

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.ReplaceService<Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory, AccountModels>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PorticoDb).Assembly, t => t.Namespace?.StartsWith("Portico", StringComparison.Ordinal) == true && !t.IsAbstract);
        if (ReadsAcrossAccounts)
        {
            return;
        }
        foreach (var entity in builder.Model.GetEntityTypes().Where(t => typeof(IAccountOwned).IsAssignableFrom(t.ClrType)))
        {
            // e => e.AccountId == ScopedAccountId
            var parameter = Expression.Parameter(entity.ClrType, "e");
            var body = Expression.Equal(Expression.Property(parameter, nameof(IAccountOwned.AccountId)),
                Expression.Property(Expression.Constant(this), nameof(ScopedAccountId)));
            entity.SetQueryFilter(AccountFilter.Name, Expression.Lambda(body, parameter));
        }
    }

    /// One model with the account filter, one without, per provider.
    private sealed class AccountModels : Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) =>
            (context.GetType(), context is PorticoDb { ReadsAcrossAccounts: true }, designTime);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        // Only the data protection key store saves synchronously; audit chaining is async-only.
        if (ChangeTracker.Entries<AuditEvent>().Any() || ChangeTracker.Entries<OutboxMessage>().Any())
        {
            throw new NotSupportedException("Use SaveChangesAsync for audit events and outbox messages.");
        }
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var audit = ChangeTracker.Entries<AuditEvent>().ToList();
        if (audit.Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("Audit events are append-only.");
        }
        var queuesOutbox = ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added);
        var added = audit.Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        // Read before saving: afterwards the tracker no longer knows what was new or what a value was before.
        var figures = Features.Insights.DailyFigureChanges.Collect(ChangeTracker);

        int saved;
        if (added.Count > 0)
        {
            saved = await SaveWithChainedAuditAsync(added, figures, acceptAllChangesOnSuccess, cancellationToken);
        }
        else if (figures.IsEmpty)
        {
            saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        else
        {
            saved = await SaveWithFiguresAsync(figures, acceptAllChangesOnSuccess, cancellationToken);
        }
        if (queuesOutbox && Database.CurrentTransaction is null)
        {
            outboxSignal?.Notify();
        }
        return saved;
    }

    /// Saves the changes and adds to the daily figures they count in one transaction (docs/adr/0021), so a crash keeps
    /// both or neither.
    private async Task<int> SaveWithFiguresAsync(Features.Insights.DailyFigureChanges figures, bool acceptAll, CancellationToken ct)
    {
        if (Database.CurrentTransaction is not null)
        {
            await figures.ReadStalePeriodsAsync(this, ct);
            var inCaller = await base.SaveChangesAsync(acceptAll, ct);
            await figures.ApplyAsync(Database, ct);
            return inCaller;
        }
        await using var transaction = await Database.BeginTransactionAsync(ct);
        await figures.ReadStalePeriodsAsync(this, ct);
        var saved = await base.SaveChangesAsync(acceptAll, ct);
        await figures.ApplyAsync(Database, ct);
        await transaction.CommitAsync(ct);
        return saved;
    }

    /// Wakes the outbox worker; for handlers that commit a transaction of their own after saving messages.
    public void SignalOutbox() => outboxSignal?.Notify();

    /// Saves, or returns false when a unique index refused the save: a parallel writer saved the same name or subject
    /// after this one's check found it free. Nothing of this save is kept, so the caller answers as its check would have.
    public async Task<bool> SaveUnlessTakenAsync(CancellationToken ct)
    {
        try
        {
            await SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            ChangeTracker.Clear();
            return false;
        }
    }

    /// Runs work with one row locked before anything is read, so writers of the same row queue behind each other
    /// instead of deciding on what they read at the same time. lockRow is a no-op update of that row: it takes the
    /// row's lock on PostgreSQL and the database's write lock on SQLite. In a transaction of its own unless the
    /// caller has one; committed (and the outbox woken) when commit says so.
    public async Task<T> WithRowLockedAsync<T>(Func<Task<int>> lockRow, Func<Task<T>> work, Func<T, bool> commit, CancellationToken ct)
    {
        if (Database.CurrentTransaction is not null)
        {
            await lockRow();
            return await work();
        }
        await using var transaction = await Database.BeginTransactionAsync(ct);
        await lockRow();
        var result = await work();
        if (commit(result))
        {
            await transaction.CommitAsync(ct);
            SignalOutbox();
        }
        return result;
    }

    /// Chains new audit events onto the chain's head and moves the head in the same transaction, so
    /// deleting the newest events leaves the head pointing past them. The chain needs one writer at a
    /// time: a transaction-scoped advisory lock on PostgreSQL (several app nodes), and the
    /// database's own single-writer lock plus an in-process gate on SQLite.
    private async Task<int> SaveWithChainedAuditAsync(List<AuditEvent> added, Features.Insights.DailyFigureChanges figures, bool acceptAll,
        CancellationToken cancellationToken)
    {
        var ownTransaction = Database.CurrentTransaction is null;
        // The in-process gate only queues saves that start their own transaction. A caller's transaction may
        // already hold the SQLite write lock, and waiting at the gate behind a save that waits for that lock
        // would stall both until the busy timeout; the database lock below orders those saves on its own.
        if (ownTransaction)
        {
            await AuditChainLock.WaitAsync(cancellationToken);
        }
        try
        {
            IDbContextTransaction? transaction = ownTransaction ? await Database.BeginTransactionAsync(cancellationToken) : null;
            try
            {
                // The other changes are written first, so the chain lock is the last lock a transaction takes.
                // Taken first, a transaction holding it could wait for a row that another one locked earlier
                // (a request being replied to) while that one waits for the chain: a deadlock.
                await figures.ReadStalePeriodsAsync(this, cancellationToken);
                foreach (var e in added)
                {
                    Entry(e).State = EntityState.Detached;
                }
                int saved;
                try
                {
                    saved = await base.SaveChangesAsync(acceptAll, cancellationToken);
                }
                finally
                {
                    foreach (var e in added)
                    {
                        Entry(e).State = EntityState.Added;
                    }
                }
                // Figure rows before the chain lock, which stays the last lock a transaction takes.
                await figures.ApplyAsync(Database, cancellationToken);
                await LockAuditChainAsync(cancellationToken);
                var head = await AuditChainHeads.AsNoTracking().Where(h => h.Id == AuditChainHead.RowId)
                    .Select(h => new { h.Sequence, h.Hash }).SingleAsync(cancellationToken);
                var sequence = head.Sequence;
                var previous = head.Hash;
                foreach (var e in added.OrderBy(e => e.OccurredAt))
                {
                    e.Sequence = ++sequence;
                    e.PreviousHash = previous;
                    e.Hash = e.ComputeHash();
                    previous = e.Hash;
                }
                saved += await base.SaveChangesAsync(acceptAll, cancellationToken);
                await AuditChainHeads.Where(h => h.Id == AuditChainHead.RowId)
                    .ExecuteUpdateAsync(s => s.SetProperty(h => h.Sequence, sequence).SetProperty(h => h.Hash, previous), cancellationToken);
                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken);
                }
                return saved;
            }
            finally
            {
                if (transaction is not null)
                {
                    await transaction.DisposeAsync();
                }
            }
        }
        finally
        {
            if (ownTransaction)
            {
                AuditChainLock.Release();
            }
        }
    }

    protected abstract Task LockAuditChainAsync(CancellationToken cancellationToken);
}

public sealed class SqlitePorticoDb(DbContextOptions<SqlitePorticoDb> options, AccountContext account, OutboxSignal? outboxSignal = null)
    : PorticoDb(options, account, outboxSignal)
{
    // Transactions here begin IMMEDIATE (Microsoft.Data.Sqlite's default), so the database is already
    // reserved; the update keeps the "read last hash, then insert" pair inside a write in any case.
    protected override Task LockAuditChainAsync(CancellationToken cancellationToken) =>
        Database.ExecuteSqlRawAsync("UPDATE \"AuditChainHeads\" SET \"Id\" = \"Id\" WHERE \"Id\" = 1", cancellationToken);
}

public sealed class PostgresPorticoDb(DbContextOptions<PostgresPorticoDb> options, AccountContext account, OutboxSignal? outboxSignal = null)
    : PorticoDb(options, account, outboxSignal)
{
    private const long AuditChainLockKey = 0x506f727469636f; // "Portico"

    protected override Task LockAuditChainAsync(CancellationToken cancellationToken) =>
        Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AuditChainLockKey})", cancellationToken);

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        Features.Staff.StaffSearchIndex.ConfigurePostgres(builder);
        Features.Help.HelpSearch.ConfigurePostgres(builder);
    }
}
