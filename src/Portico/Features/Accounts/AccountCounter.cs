namespace Portico.Features.Accounts;

/// The last number handed out in an account for one kind of record ("requests"). Incrementing it
/// is the first write of the transaction that saves the numbered record, so the row stays locked
/// (PostgreSQL) or the database stays reserved (SQLite) until that record is committed: two
/// creations at once get consecutive numbers and a rolled-back creation gives its number back.
public sealed class AccountCounter
{
    public const string Requests = "requests";

    public Guid AccountId { get; private set; }
    public string Name { get; private set; } = "";
    public int Value { get; private set; }

    private AccountCounter() { }

    public AccountCounter(Guid accountId, string name, int value)
    {
        AccountId = accountId;
        Name = name;
        Value = value;
    }
}

internal sealed class AccountCounterConfiguration : IEntityTypeConfiguration<AccountCounter>
{
    public void Configure(EntityTypeBuilder<AccountCounter> b)
    {
        b.HasKey(c => new { c.AccountId, c.Name });
        b.Property(c => c.Name).HasMaxLength(50);
        b.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// Hands out gap-free numbers per account, safe for many writers at once on both databases.
public sealed class AccountNumbers(PorticoDb db)
{
    /// Runs <paramref name="save"/> (which must save its changes) in one transaction with the next number of the
    /// account's counter. <paramref name="highestUsed"/> gives the highest number already in use, read only the first
    /// time an account needs the counter (records written before counters existed keep their numbers).
    public async Task<T> WithNextAsync<T>(Guid accountId, string counter, Func<CancellationToken, Task<int>> highestUsed,
        Func<int, Task<T>> save, CancellationToken ct)
    {
        while (true)
        {
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                // The increment comes first: it takes the write lock before anything is read.
                var mine = db.AccountCounters.Where(c => c.AccountId == accountId && c.Name == counter);
                if (await mine.ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, c => c.Value + 1), ct) == 1)
                {
                    var number = await mine.Select(c => c.Value).SingleAsync(ct);
                    var result = await save(number);
                    await transaction.CommitAsync(ct);
                    db.SignalOutbox();
                    return result;
                }
            }
            await StartCounterAsync(accountId, counter, highestUsed, ct);
        }
    }

    private async Task StartCounterAsync(Guid accountId, string counter, Func<CancellationToken, Task<int>> highestUsed, CancellationToken ct)
    {
        var start = new AccountCounter(accountId, counter, await highestUsed(ct));
        db.AccountCounters.Add(start);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another creation in the same account started it a moment ago; use theirs.
        }
        db.Entry(start).State = EntityState.Detached;
    }
}
