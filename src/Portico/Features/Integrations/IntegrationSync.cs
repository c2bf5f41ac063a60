using Portico.Features.Billing;
using Portico.Features.Orders;

namespace Portico.Features.Integrations;

/// Upserts batches from a system of record by its own ids. Each record is validated on its own:
/// valid records are applied, invalid ones are reported with their errors, and the whole batch
/// is one transaction, so a failure part-way applies nothing. Replaying a batch changes nothing.
public sealed class IntegrationSync(PorticoDb db, AuditLog audit, TimeProvider clock)
{
    private const int Chunk = 500;

    public async Task<string?> RefusalAsync(Guid integrationId, string objectType, CancellationToken ct)
    {
        var owner = await db.SystemsOfRecord.Where(s => s.ObjectType == objectType).Select(s => (Guid?)s.IntegrationId).SingleOrDefaultAsync(ct);
        return owner == integrationId ? null
            : owner is null ? $"No integration is the system of record for {objectType}; a staff admin sets it under Integrations."
            : $"Another integration is the system of record for {objectType}; this key cannot write them.";
    }

    public Task<BatchResult> AccountsAsync(Guid integrationId, bool dryRun, List<(int Index, AccountRecord? Record, string? Error)> records, CancellationToken ct) =>
        RunAsync(integrationId, dryRun, SyncedObjectTypes.Accounts, records, r => r.ExternalId, _ => null, IntegrationRecordValidation.ValidateAccount,
            async (ids, _) => (await db.Accounts.Where(a => ids.Contains(a.ExternalId!)).ToListAsync(ct)).ToDictionary(a => a.ExternalId!, a => (object)a),
            (existing, record, _, now) =>
            {
                if (existing is Account account)
                {
                    account.Rename(record.Name!.Trim());
                    return account;
                }
                var created = new Account(record.Name!.Trim(), now, record.ExternalId!.Trim());
                db.Accounts.Add(created);
                return created;
            },
            existing => ((Account)existing).Name, record => record.Name!.Trim(), ct);

    public Task<BatchResult> InvoicesAsync(Guid integrationId, bool dryRun, List<(int Index, InvoiceRecord? Record, string? Error)> records, CancellationToken ct) =>
        SyncedRecordsAsync(integrationId, dryRun, SyncedObjectTypes.Invoices, records, r => r.ExternalId, r => r.ExternalAccountId, IntegrationRecordValidation.ValidateInvoice,
            r => Hash(Content(r)), externalId => new Invoice(integrationId, externalId),
            (invoice, r, accountId, hash, now) =>
            {
                var currency = r.Currency!;
                invoice.Apply(accountId, r.Number!.Trim(), currency, r.IssuedOn!.Value, r.DueOn!.Value, Enum.Parse<InvoiceStatus>(r.Status!, true),
                    Currencies.ToMinor(r.Total!.Value, currency)!.Value,
                    (r.Lines ?? []).Select(l => new InvoiceLine(l.Description!.Trim(), l.Quantity ?? 1, Currencies.ToMinor(l.UnitPrice ?? l.Amount!.Value, currency)!.Value,
                        Currencies.ToMinor(l.Amount!.Value, currency)!.Value)).ToList(),
                    (r.Payments ?? []).Select(p => new InvoicePayment(p.PaidOn!.Value, Currencies.ToMinor(p.Amount!.Value, currency)!.Value, p.Reference)).ToList(),
                    r.PdfUrl, hash, now);
            }, ct);

    public Task<BatchResult> OrdersAsync(Guid integrationId, bool dryRun, List<(int Index, OrderRecord? Record, string? Error)> records, CancellationToken ct) =>
        SyncedRecordsAsync(integrationId, dryRun, SyncedObjectTypes.Orders, records, r => r.ExternalId, r => r.ExternalAccountId, IntegrationRecordValidation.ValidateOrder,
            r => Hash(Content(r)), externalId => new Order(integrationId, externalId),
            (order, r, accountId, hash, now) => order.Apply(accountId, r.Reference!.Trim(), r.Title?.Trim() ?? r.Reference!.Trim(), r.Kind ?? "Order",
                Order.Statuses.First(s => string.Equals(s, r.Status, StringComparison.OrdinalIgnoreCase)),
                (r.Milestones ?? []).Select(m => new Milestone(m.Name!.Trim(), m.DueOn, m.DoneOn)).ToList(),
                r.Tracking is null ? null : new Tracking(r.Tracking.Carrier, r.Tracking.Number, r.Tracking.Url),
                (r.Timeline ?? []).Select(e => new OrderEvent(e.At!.Value.ToUniversalTime(), e.Text!.Trim())).ToList(), hash, now), ct);

    /// Invoices and orders alike: found by the source's ids across accounts, added when new, and left as they are only while
    /// both what the source sent and the account it names are the same.
    private Task<BatchResult> SyncedRecordsAsync<TRecord, TSynced>(Guid integrationId, bool dryRun, string objectType,
        List<(int Index, TRecord? Record, string? Error)> records, Func<TRecord, string?> externalId, Func<TRecord, string?> externalAccountId,
        Func<TRecord, Dictionary<string, string>> validate, Func<TRecord, string> fingerprint, Func<string, TSynced> create,
        Action<TSynced, TRecord, Guid, string, DateTime> apply, CancellationToken ct)
        where TRecord : class, IVersionedRecord where TSynced : SyncedRecord
    {
        var stored = db.Set<TSynced>();
        return RunAsync(integrationId, dryRun, objectType, records, externalId, externalAccountId, validate,
            async (ids, ct2) => (await stored.AcrossAccounts().Where(s => s.IntegrationId == integrationId && ids.Contains(s.ExternalId)).ToListAsync(ct2))
                .ToDictionary(s => s.ExternalId, s => (object)s),
            (existing, r, accountId, now) =>
            {
                if (existing is not TSynced synced)
                {
                    synced = create(externalId(r)!.Trim());
                    stored.Add(synced);
                }
                apply(synced, r, accountId!.Value, fingerprint(r), now);
                return synced;
            },
            existing => ((TSynced)existing).ContentHash + ((TSynced)existing).AccountId, fingerprint, ct, includeAccountInComparison: true);
    }

    /// Applies the records the incidents hold exactly as if their integration had sent them again, one batch per
    /// integration and object type, inside the caller's transaction. Answers each incident's result.
    public async Task<Dictionary<long, RecordResult>> ApplyHeldAsync(IReadOnlyList<DataQualityIncident> incidents, CancellationToken ct)
    {
        var results = new Dictionary<long, RecordResult>();
        foreach (var group in incidents.Where(i => i.HeldRecord is not null).GroupBy(i => (i.IntegrationId, i.ObjectType)))
        {
            var held = group.ToList();
            var batch = group.Key.ObjectType switch
            {
                SyncedObjectTypes.Invoices => await InvoicesAsync(group.Key.IntegrationId, false, Held<InvoiceRecord>(held), ct),
                SyncedObjectTypes.Orders => await OrdersAsync(group.Key.IntegrationId, false, Held<OrderRecord>(held), ct),
                _ => throw new InvalidOperationException($"No record of {group.Key.ObjectType} is held."),
            };
            foreach (var result in batch.Results)
            {
                results[held[result.Index].Id] = result;
            }
        }
        return results;
    }

    private static List<(int Index, T? Record, string? Error)> Held<T>(List<DataQualityIncident> incidents) where T : class =>
        incidents.Select((i, index) => (index, JsonSerializer.Deserialize<T>(i.HeldRecord!, IntegrationRecordValidation.Strict), (string?)null)).ToList();

    /// Deletes one record by the source's id, unless Portico holds a newer version of it; the version it was deleted at is kept,
    /// from the delete when it names one, else the stored record's. Answers the outcome as a batch would for this record.
    public async Task<RecordResult> DeleteAsync(Guid integrationId, string objectType, string externalId, SourceStamp stamp, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var errors = new Dictionary<string, string>();
        SourceVersions.Check(stamp, now, errors);
        if (errors.Count > 0)
        {
            return new RecordResult(0, externalId, "error", errors);
        }
        var stored = objectType switch
        {
            SyncedObjectTypes.Invoices => await db.Invoices.AcrossAccounts().Where(i => i.IntegrationId == integrationId && i.ExternalId == externalId)
                .Select(i => new SourceStamp(i.SourceVersion, i.SourceUpdatedAt)).SingleOrDefaultAsync(ct),
            SyncedObjectTypes.Orders => await db.Orders.AcrossAccounts().Where(o => o.IntegrationId == integrationId && o.ExternalId == externalId)
                .Select(o => new SourceStamp(o.SourceVersion, o.SourceUpdatedAt)).SingleOrDefaultAsync(ct),
            _ => null,
        };
        var (version, updatedAt) = (stamp.Version, SourceVersions.Normalize(stamp.UpdatedAt));
        if (stored is not null)
        {
            var held = new DeletedRecord(integrationId, objectType, externalId, stored.Version, stored.UpdatedAt, now);
            if (DeletedRecord.Worth(version, updatedAt) && SourceVersions.Compare(held, new SourceStamp(version, updatedAt)) == SourceOrder.Older)
            {
                return new RecordResult(0, externalId, "stale",
                    Detail: $"Portico holds {SourceVersions.Describe(stored.Version, stored.UpdatedAt)}, newer than this delete; the record was kept.");
            }
            // A delete without a version is of the version stored.
            (version, updatedAt) = (version ?? stored.Version, updatedAt ?? stored.UpdatedAt);
        }
        int deleted = objectType switch
        {
            SyncedObjectTypes.Invoices => await db.Invoices.AcrossAccounts().Where(i => i.IntegrationId == integrationId && i.ExternalId == externalId).ExecuteDeleteAsync(ct),
            SyncedObjectTypes.Orders => await db.Orders.AcrossAccounts().Where(o => o.IntegrationId == integrationId && o.ExternalId == externalId).ExecuteDeleteAsync(ct),
            _ => 0,
        };
        await RememberDeletedAsync(integrationId, objectType, [(externalId, version, updatedAt)], ct);
        if (deleted > 0)
        {
            audit.Record(AuditActions.IntegrationRecordDeleted, null, objectType, externalId, new { integration = integrationId });
            var integration = await db.Integrations.SingleAsync(i => i.Id == integrationId, ct);
            integration.Succeeded(0, now);
        }
        await db.SaveChangesAsync(ct);
        return new RecordResult(0, externalId, deleted > 0 ? "deleted" : "unchanged");
    }

    private async Task<BatchResult> RunAsync<T>(Guid integrationId, bool dryRun, string objectType, List<(int Index, T? Record, string? Error)> records,
        Func<T, string?> externalId, Func<T, string?> externalAccountId, Func<T, Dictionary<string, string>> validate,
        Func<List<string>, CancellationToken, Task<Dictionary<string, object>>> loadExisting,
        Func<object?, T, Guid?, DateTime, object> apply, Func<object, string> existingFingerprint, Func<T, string> fingerprint,
        CancellationToken ct, bool includeAccountInComparison = false) where T : class, IVersionedRecord
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var results = new RecordResult?[records.Count];
        var valid = new List<(int Index, T Record, string Id)>();
        foreach (var (index, record, error) in records)
        {
            if (record is null)
            {
                results[index] = new RecordResult(index, null, "error", new Dictionary<string, string> { ["record"] = error ?? "Empty record." });
                continue;
            }
            // A delete names only the record and its version; the rest of it is not read.
            var errors = record is IDeletableRecord { Deleted: true } ? IntegrationRecordValidation.ValidateDelete(externalId(record)) : validate(record);
            SourceVersions.Check(record, now, errors);
            if (errors.Count > 0)
            {
                results[index] = new RecordResult(index, externalId(record), "error", errors);
                continue;
            }
            valid.Add((index, record, externalId(record)!.Trim()));
        }
        // The same id twice in one batch is ambiguous: neither is applied, even when one of the copies is invalid anyway.
        var sent = records.Where(r => r.Record is not null).Select(r => externalId(r.Record!)?.Trim()).OfType<string>().Where(id => id.Length > 0)
            .GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var duplicate in valid.Where(v => sent.ContainsKey(v.Id)))
        {
            results[duplicate.Index] = new RecordResult(duplicate.Index, duplicate.Id, "error",
                new Dictionary<string, string> { ["externalId"] = $"\"{duplicate.Id}\" appears {sent[duplicate.Id]} times in this batch; send it once." });
        }
        valid.RemoveAll(v => sent.ContainsKey(v.Id));

        var accountIds = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var wantedAccounts = valid.Select(v => externalAccountId(v.Record)?.Trim()).OfType<string>().Distinct().ToList();
        foreach (var chunk in wantedAccounts.Chunk(Chunk))
        {
            foreach (var a in await db.Accounts.Where(a => chunk.Contains(a.ExternalId!)).Select(a => new { a.Id, a.ExternalId }).ToListAsync(ct))
            {
                accountIds[a.ExternalId!] = a.Id;
            }
        }
        var existing = new Dictionary<string, object>(StringComparer.Ordinal);
        var gone = new Dictionary<string, DeletedRecord>(StringComparer.Ordinal);
        foreach (var chunk in valid.Select(v => v.Id).Chunk(Chunk))
        {
            foreach (var (key, value) in await loadExisting(chunk.ToList(), ct))
            {
                existing[key] = value;
            }
            foreach (var deletedRecord in await db.DeletedRecords.Where(d => d.IntegrationId == integrationId && d.ObjectType == objectType && chunk.Contains(d.ExternalId)).ToListAsync(ct))
            {
                gone[deletedRecord.ExternalId] = deletedRecord;
            }
        }

        // Staff applying held records run this inside their own transaction, together with the account they mapped.
        if (dryRun && db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("A dry run takes back its own transaction; it cannot run inside another.");
        }
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var incidents = await db.DataQualityIncidents.Where(i => i.IntegrationId == integrationId && i.ObjectType == objectType && i.ResolvedAt == null).ToListAsync(ct);
        var unchanged = new List<object>();
        int created = 0, updated = 0, deleted = 0;
        foreach (var (index, record, id) in valid)
        {
            var (version, updatedAt) = (record.Version, SourceVersions.Normalize(record.UpdatedAt));
            if (record is IDeletableRecord { Deleted: true })
            {
                results[index] = Delete(integrationId, objectType, index, id, existing.GetValueOrDefault(id), gone, version, updatedAt, now);
                deleted += results[index]!.Outcome == "deleted" ? 1 : 0;
                continue;
            }
            // A record deleted at the source comes back only with a newer version than the one it was deleted at.
            if (!existing.ContainsKey(id) && gone.TryGetValue(id, out var tombstone) && Refusal(tombstone, record, index, id) is { } refused)
            {
                results[index] = refused;
                continue;
            }
            Guid? accountId = null;
            if (externalAccountId(record) is { } externalAccount)
            {
                if (!accountIds.TryGetValue(externalAccount.Trim(), out var mapped))
                {
                    var problem = $"Account \"{externalAccount}\" is not known to the portal; map it (set the account's external id) or sync the account first.";
                    var incident = incidents.FirstOrDefault(i => i.ExternalId == id)
                        ?? await db.DataQualityIncidents.SingleOrDefaultAsync(i => i.IntegrationId == integrationId && i.ObjectType == objectType && i.ExternalId == id, ct);
                    // The record is held so staff can apply it once they say which account it belongs to.
                    var held = JsonSerializer.Serialize(record, IntegrationRecordValidation.Strict);
                    if (incident is null)
                    {
                        db.DataQualityIncidents.Add(new DataQualityIncident(integrationId, objectType, id, problem, now, externalAccount.Trim(), held));
                    }
                    else
                    {
                        incident.SeenAgain(problem, now, externalAccount.Trim(), held);
                    }
                    results[index] = new RecordResult(index, id, "error", new Dictionary<string, string> { ["externalAccountId"] = problem });
                    continue;
                }
                accountId = mapped;
            }
            existing.TryGetValue(id, out var current);
            var comparable = fingerprint(record) + (includeAccountInComparison ? accountId.ToString() : "");
            var sameContent = current is not null && existingFingerprint(current) == comparable;
            if (current is ISourceVersioned stored)
            {
                if (SourceVersions.Compare(stored, record) == SourceOrder.Same && !sameContent)
                {
                    results[index] = new RecordResult(index, id, "stale",
                        Detail: $"Portico already holds {SourceVersions.Describe(stored.SourceVersion, stored.SourceUpdatedAt)} with other content; a change needs a newer version or updatedAt.");
                    continue;
                }
                if (Refusal(stored, record, index, id) is { } older)
                {
                    results[index] = older;
                    continue;
                }
                if (SourceVersions.Compare(stored, record) == SourceOrder.Newer && sameContent)
                {
                    // Same data from a newer version: only the version it came from moves.
                    stored.CameFrom(version, updatedAt);
                }
            }
            if (sameContent)
            {
                unchanged.Add(current!);
                results[index] = new RecordResult(index, id, "unchanged");
                continue;
            }
            ((ISourceVersioned)apply(current, record, accountId, now)).CameFrom(version, updatedAt);
            if (gone.Remove(id, out var revived))
            {
                db.DeletedRecords.Remove(revived);
            }
            incidents.FirstOrDefault(i => i.ExternalId == id)?.Resolve(now);
            results[index] = new RecordResult(index, id, current is null ? "created" : "updated");
            if (current is null)
            {
                created++;
            }
            else
            {
                updated++;
            }
        }
        // Unchanged records only learn when they were last confirmed; their data and history stay as they are.
        foreach (var record in unchanged)
        {
            switch (record)
            {
                case Invoice invoice: invoice.Confirmed(now); break;
                case Order order: order.Confirmed(now); break;
            }
        }
        var failed = results.Count(r => r?.Outcome == "error");
        var stale = results.Count(r => r?.Outcome == "stale");
        var integration = await db.Integrations.SingleAsync(i => i.Id == integrationId, ct);
        if (valid.Count > 0 || failed == 0)
        {
            integration.Succeeded(created + updated + deleted, now);
        }
        if (failed > 0)
        {
            var first = results.First(r => r?.Outcome == "error")!;
            integration.Failed($"{failed} of {records.Count} {objectType} refused; first: record {first.Index}: {string.Join(" ", first.Errors!.Values)}", now);
        }
        audit.Record(AuditActions.IntegrationBatch, null, "Integration", integrationId.ToString(),
            new { objectType, records = records.Count, created, updated, deleted, unchanged = unchanged.Count, stale, failed });
        await db.SaveChangesAsync(ct);
        // A dry run goes through every check and write, then takes it all back.
        if (dryRun)
        {
            await transaction!.RollbackAsync(ct);
        }
        else if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
        return new BatchResult(created, updated, unchanged.Count, stale, failed, results.Select(r => r!).ToList(), deleted);
    }

    /// Why a copy may not replace what Portico holds (a stored record or what is left of a deleted one): it is older, or cannot be ordered.
    /// Null when it is newer, or the same version (the caller decides what the same version means).
    private static RecordResult? Refusal(ISourceVersioned stored, IVersionedRecord record, int index, string id)
    {
        var held = SourceVersions.Describe(stored.SourceVersion, stored.SourceUpdatedAt);
        var holds = stored is DeletedRecord ? $"This record was deleted at the source at {held}" : $"Portico holds {held}";
        var order = SourceVersions.Compare(stored, record);
        if (order == SourceOrder.Same && stored is DeletedRecord)
        {
            order = SourceOrder.Older;
        }
        return order switch
        {
            SourceOrder.Older => new RecordResult(index, id, "stale",
                Detail: $"{holds}; this copy has {SourceVersions.Describe(record.Version, SourceVersions.Normalize(record.UpdatedAt))}, which is not newer, so it was not applied."),
            SourceOrder.Incomparable => new RecordResult(index, id, "error", new Dictionary<string, string>
            {
                [stored.SourceVersion is null ? "updatedAt" : "version"] = $"{holds}; send {(stored.SourceVersion is null ? "updatedAt" : "version")} with every copy so an older one cannot overwrite a newer one.",
            }),
            _ => null,
        };
    }

    /// A delete sent in a batch: removes the stored record unless it is newer, and keeps the version it was deleted at.
    private RecordResult Delete(Guid integrationId, string objectType, int index, string id, object? current, Dictionary<string, DeletedRecord> gone,
        long? version, DateTime? updatedAt, DateTime now)
    {
        var stamp = new SourceStamp(version, updatedAt);
        if (current is ISourceVersioned stored)
        {
            if (Refusal(stored, stamp, index, id) is { } refused)
            {
                return refused;
            }
            db.Remove(current);
        }
        else if (gone.TryGetValue(id, out var tombstone) && SourceVersions.Compare(tombstone, stamp) == SourceOrder.Incomparable)
        {
            return Refusal(tombstone, stamp, index, id)!;
        }
        Remember(integrationId, objectType, id, version, updatedAt, gone, now);
        return current is null ? new RecordResult(index, id, "unchanged", Detail: "Already deleted.") : new RecordResult(index, id, "deleted");
    }

    private void Remember(Guid integrationId, string objectType, string id, long? version, DateTime? updatedAt, Dictionary<string, DeletedRecord> gone, DateTime now)
    {
        if (gone.TryGetValue(id, out var tombstone))
        {
            tombstone.CameFrom(version, updatedAt);
        }
        else if (DeletedRecord.Worth(version, updatedAt))
        {
            gone[id] = db.DeletedRecords.Add(new DeletedRecord(integrationId, objectType, id, version, updatedAt, now)).Entity;
        }
    }

    /// Keeps the version each record was deleted at (invoices and orders a snapshot did not name, or one deleted by id).
    internal async Task RememberDeletedAsync(Guid integrationId, string objectType, IReadOnlyList<(string Id, long? Version, DateTime? UpdatedAt)> deleted, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var chunk in deleted.Where(d => DeletedRecord.Worth(d.Version, d.UpdatedAt)).Chunk(Chunk))
        {
            var ids = chunk.Select(d => d.Id).ToList();
            var gone = await db.DeletedRecords.Where(d => d.IntegrationId == integrationId && d.ObjectType == objectType && ids.Contains(d.ExternalId))
                .ToDictionaryAsync(d => d.ExternalId, StringComparer.Ordinal, ct);
            foreach (var (id, version, updatedAt) in chunk)
            {
                Remember(integrationId, objectType, id, version, updatedAt, gone, now);
            }
        }
    }

    // The content leaves the version out, so a newer version of the same data is unchanged.
    private static InvoiceRecord Content(InvoiceRecord r) => r with { Version = null, UpdatedAt = null };
    private static OrderRecord Content(OrderRecord r) => r with { Version = null, UpdatedAt = null };

    private static string Hash<T>(T record) => Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(record, IntegrationRecordValidation.Strict)));
}
