using Portico.Infrastructure.Tenancy;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Accounts;
using Portico.Features.Audit;
using Portico.Features.Billing;
using Portico.Features.Orders;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Web;

namespace Portico.Features.Integrations;

/// Upserts batches from a system of record by its own ids. Each record is validated on its own:
/// valid records are applied, invalid ones are reported with their errors, and the whole batch
/// is one transaction, so a failure part-way applies nothing. Replaying a batch changes nothing.
public sealed class IntegrationSync(PorticoDb db, AuditLog audit, TimeProvider clock)
{
    public const int MaxBatch = 10_000;
    private const int Chunk = 500;

    private static readonly JsonSerializerOptions Strict = new JsonSerializerOptions(JsonSerializerDefaults.Web) { AllowTrailingCommas = false }.RefuseInJson();

    /// Parses {"records": [...]} record by record, so one record of the wrong shape does not hide the others.
    /// What refuses the whole batch comes back as errors by field: a body of the wrong shape, a member other than
    /// "records", and text with control characters anywhere (it could not be stored, so no record of the batch is applied).
    public static (List<(int Index, T? Record, string? Error)>? Records, Dictionary<string, string[]>? Errors) Parse<T>(JsonDocument document)
    {
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("records", out var records)
            || records.ValueKind != JsonValueKind.Array)
        {
            return (null, new() { ["records"] = ["The body must be a JSON object with a \"records\" array."] });
        }
        if (document.RootElement.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n != "records") is { } unknown)
        {
            return (null, new() { [unknown] = [$"Unknown member \"{unknown}\"; a batch holds only \"records\"."] });
        }
        if (records.GetArrayLength() > MaxBatch)
        {
            return (null, new() { ["records"] = [$"A batch can hold at most {MaxBatch:N0} records; this one has {records.GetArrayLength():N0}. Split it."] });
        }
        var result = new List<(int, T?, string?)>();
        var index = 0;
        foreach (var element in records.EnumerateArray())
        {
            try
            {
                result.Add((index, element.Deserialize<T>(Strict), null));
            }
            catch (ControlCharacters.JsonRefusal refusal)
            {
                var field = refusal.Field($"records[{index}]");
                return (null, new() { [field] = [refusal.Describe($"records[{index}]")] });
            }
            catch (JsonException e)
            {
                var field = e.Path?.TrimStart('$', '.') is { Length: > 0 } path ? path : "the record";
                result.Add((index, default, e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                    ? $"Record {index}: unknown field \"{field}\"; check its spelling against the API description."
                    : $"Record {index}: {field} has the wrong type (for example text where a number or date is expected)."));
            }
            index++;
        }
        return (result, null);
    }

    public async Task<string?> RefusalAsync(Guid integrationId, string objectType, CancellationToken ct)
    {
        var owner = await db.SystemsOfRecord.Where(s => s.ObjectType == objectType).Select(s => (Guid?)s.IntegrationId).SingleOrDefaultAsync(ct);
        return owner == integrationId ? null
            : owner is null ? $"No integration is the system of record for {objectType}; a staff admin sets it under Integrations."
            : $"Another integration is the system of record for {objectType}; this key cannot write them.";
    }

    public Task<BatchResult> AccountsAsync(Guid integrationId, bool dryRun, List<(int Index, AccountRecord? Record, string? Error)> records, CancellationToken ct) =>
        RunAsync(integrationId, dryRun, SyncedObjectTypes.Accounts, records, r => r.ExternalId, _ => null, ValidateAccount,
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
        RunAsync(integrationId, dryRun, SyncedObjectTypes.Invoices, records, r => r.ExternalId, r => r.ExternalAccountId, ValidateInvoice,
            async (ids, ct2) => (await db.Invoices.AcrossAccounts().Where(i => i.IntegrationId == integrationId && ids.Contains(i.ExternalId)).ToListAsync(ct2))
                .ToDictionary(i => i.ExternalId, i => (object)i),
            (existing, r, accountId, now) =>
            {
                var invoice = existing as Invoice ?? new Invoice(integrationId, r.ExternalId!.Trim());
                if (existing is null)
                {
                    db.Invoices.Add(invoice);
                }
                var currency = r.Currency!;
                invoice.Apply(accountId!.Value, r.Number!.Trim(), currency, r.IssuedOn!.Value, r.DueOn!.Value, Enum.Parse<InvoiceStatus>(r.Status!, true),
                    Currencies.ToMinor(r.Total!.Value, currency)!.Value,
                    (r.Lines ?? []).Select(l => new InvoiceLine(l.Description!.Trim(), l.Quantity ?? 1, Currencies.ToMinor(l.UnitPrice ?? l.Amount!.Value, currency)!.Value,
                        Currencies.ToMinor(l.Amount!.Value, currency)!.Value)).ToList(),
                    (r.Payments ?? []).Select(p => new InvoicePayment(p.PaidOn!.Value, Currencies.ToMinor(p.Amount!.Value, currency)!.Value, p.Reference)).ToList(),
                    r.PdfUrl, Hash(r), now);
                return invoice;
            },
            existing => ((Invoice)existing).ContentHash + ((Invoice)existing).AccountId, r => Hash(r), ct, includeAccountInComparison: true);

    public Task<BatchResult> OrdersAsync(Guid integrationId, bool dryRun, List<(int Index, OrderRecord? Record, string? Error)> records, CancellationToken ct) =>
        RunAsync(integrationId, dryRun, SyncedObjectTypes.Orders, records, r => r.ExternalId, r => r.ExternalAccountId, ValidateOrder,
            async (ids, ct2) => (await db.Orders.AcrossAccounts().Where(o => o.IntegrationId == integrationId && ids.Contains(o.ExternalId)).ToListAsync(ct2))
                .ToDictionary(o => o.ExternalId, o => (object)o),
            (existing, r, accountId, now) =>
            {
                var order = existing as Order ?? new Order(integrationId, r.ExternalId!.Trim());
                if (existing is null)
                {
                    db.Orders.Add(order);
                }
                order.Apply(accountId!.Value, r.Reference!.Trim(), r.Title?.Trim() ?? r.Reference!.Trim(), r.Kind ?? "Order",
                    Order.Statuses.First(s => string.Equals(s, r.Status, StringComparison.OrdinalIgnoreCase)),
                    (r.Milestones ?? []).Select(m => new Milestone(m.Name!.Trim(), m.DueOn, m.DoneOn)).ToList(),
                    r.Tracking is null ? null : new Tracking(r.Tracking.Carrier, r.Tracking.Number, r.Tracking.Url),
                    (r.Timeline ?? []).Select(e => new OrderEvent(e.At!.Value.ToUniversalTime(), e.Text!.Trim())).ToList(), Hash(r), now);
                return order;
            },
            existing => ((Order)existing).ContentHash + ((Order)existing).AccountId, r => Hash(r), ct, includeAccountInComparison: true);

    public async Task<bool> DeleteAsync(Guid integrationId, string objectType, string externalId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        int deleted = objectType switch
        {
            SyncedObjectTypes.Invoices => await db.Invoices.AcrossAccounts().Where(i => i.IntegrationId == integrationId && i.ExternalId == externalId).ExecuteDeleteAsync(ct),
            SyncedObjectTypes.Orders => await db.Orders.AcrossAccounts().Where(o => o.IntegrationId == integrationId && o.ExternalId == externalId).ExecuteDeleteAsync(ct),
            _ => 0,
        };
        if (deleted > 0)
        {
            audit.Record(AuditActions.IntegrationRecordDeleted, null, objectType, externalId, new { integration = integrationId });
            var integration = await db.Integrations.SingleAsync(i => i.Id == integrationId, ct);
            integration.Succeeded(0, now);
            await db.SaveChangesAsync(ct);
        }
        return deleted > 0;
    }

    private async Task<BatchResult> RunAsync<T>(Guid integrationId, bool dryRun, string objectType, List<(int Index, T? Record, string? Error)> records,
        Func<T, string?> externalId, Func<T, string?> externalAccountId, Func<T, Dictionary<string, string>> validate,
        Func<List<string>, CancellationToken, Task<Dictionary<string, object>>> loadExisting,
        Func<object?, T, Guid?, DateTime, object> apply, Func<object, string> existingFingerprint, Func<T, string> fingerprint,
        CancellationToken ct, bool includeAccountInComparison = false) where T : class
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
            var errors = validate(record);
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
        foreach (var chunk in valid.Select(v => v.Id).Chunk(Chunk))
        {
            foreach (var (key, value) in await loadExisting(chunk.ToList(), ct))
            {
                existing[key] = value;
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var incidents = await db.DataQualityIncidents.Where(i => i.IntegrationId == integrationId && i.ObjectType == objectType && i.ResolvedAt == null).ToListAsync(ct);
        var unchanged = new List<object>();
        int created = 0, updated = 0;
        foreach (var (index, record, id) in valid)
        {
            Guid? accountId = null;
            if (externalAccountId(record) is { } externalAccount)
            {
                if (!accountIds.TryGetValue(externalAccount.Trim(), out var mapped))
                {
                    var problem = $"Account \"{externalAccount}\" is not known to the portal; map it (set the account's external id) or sync the account first.";
                    var incident = incidents.FirstOrDefault(i => i.ExternalId == id)
                        ?? await db.DataQualityIncidents.SingleOrDefaultAsync(i => i.IntegrationId == integrationId && i.ObjectType == objectType && i.ExternalId == id, ct);
                    if (incident is null)
                    {
                        db.DataQualityIncidents.Add(new DataQualityIncident(integrationId, objectType, id, problem, now));
                    }
                    else
                    {
                        incident.SeenAgain(problem, now);
                    }
                    results[index] = new RecordResult(index, id, "error", new Dictionary<string, string> { ["externalAccountId"] = problem });
                    continue;
                }
                accountId = mapped;
            }
            existing.TryGetValue(id, out var current);
            var comparable = fingerprint(record) + (includeAccountInComparison ? accountId.ToString() : "");
            if (current is not null && existingFingerprint(current) == comparable)
            {
                unchanged.Add(current);
                results[index] = new RecordResult(index, id, "unchanged");
                continue;
            }
            apply(current, record, accountId, now);
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
        var integration = await db.Integrations.SingleAsync(i => i.Id == integrationId, ct);
        if (valid.Count > 0 || failed == 0)
        {
            integration.Succeeded(created + updated, now);
        }
        if (failed > 0)
        {
            var first = results.First(r => r?.Outcome == "error")!;
            integration.Failed($"{failed} of {records.Count} {objectType} refused; first: record {first.Index}: {string.Join(" ", first.Errors!.Values)}", now);
        }
        audit.Record(AuditActions.IntegrationBatch, null, "Integration", integrationId.ToString(),
            new { objectType, records = records.Count, created, updated, unchanged = unchanged.Count, failed });
        await db.SaveChangesAsync(ct);
        // A dry run goes through every check and write, then takes it all back.
        if (dryRun)
        {
            await transaction.RollbackAsync(ct);
        }
        else
        {
            await transaction.CommitAsync(ct);
        }
        return new BatchResult(created, updated, unchanged.Count, failed, results.Select(r => r!).ToList());
    }

    private static string Hash<T>(T record) => Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(record, Strict)));

    private static void Require(Dictionary<string, string> errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = $"{field} is required.";
        }
        else if (value.Length > max)
        {
            errors[field] = $"{field} can be at most {max} characters.";
        }
    }

    private static Dictionary<string, string> ValidateAccount(AccountRecord r)
    {
        var errors = new Dictionary<string, string>();
        Require(errors, "externalId", r.ExternalId, 100);
        Require(errors, "name", r.Name, 200);
        return errors;
    }

    private static Dictionary<string, string> ValidateInvoice(InvoiceRecord r)
    {
        var errors = new Dictionary<string, string>();
        Require(errors, "externalId", r.ExternalId, 100);
        Require(errors, "externalAccountId", r.ExternalAccountId, 100);
        Require(errors, "number", r.Number, 50);
        if (r.Currency is null || !Currencies.Digits.ContainsKey(r.Currency))
        {
            errors["currency"] = $"currency must be an ISO 4217 code the portal knows, such as EUR or USD (got \"{r.Currency}\").";
            return errors;
        }
        if (r.IssuedOn is null) errors["issuedOn"] = "issuedOn is required (YYYY-MM-DD).";
        if (r.DueOn is null) errors["dueOn"] = "dueOn is required (YYYY-MM-DD).";
        if (r.IssuedOn is { } issued && r.DueOn is { } due && due < issued) errors["dueOn"] = "dueOn cannot be before issuedOn.";
        if (r.Status is null || !Enum.TryParse<InvoiceStatus>(r.Status, true, out var status) || !Enum.IsDefined(status))
        {
            errors["status"] = "status must be open, paid or void.";
        }
        Amount(errors, "total", r.Total, r.Currency, allowNegative: true);
        for (var i = 0; i < (r.Lines?.Count ?? 0); i++)
        {
            var line = r.Lines![i];
            if (string.IsNullOrWhiteSpace(line.Description) || line.Description.Length > 500) errors[$"lines[{i}].description"] = "A line needs a description of at most 500 characters.";
            Amount(errors, $"lines[{i}].amount", line.Amount, r.Currency, allowNegative: true);
            if (line.UnitPrice is not null) Amount(errors, $"lines[{i}].unitPrice", line.UnitPrice, r.Currency, allowNegative: true);
        }
        for (var i = 0; i < (r.Payments?.Count ?? 0); i++)
        {
            var payment = r.Payments![i];
            if (payment.PaidOn is null) errors[$"payments[{i}].paidOn"] = "paidOn is required.";
            Amount(errors, $"payments[{i}].amount", payment.Amount, r.Currency, allowNegative: false);
        }
        if (r.PdfUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            errors["pdfUrl"] = "pdfUrl must be an absolute https URL.";
        }
        return errors;
    }

    private static void Amount(Dictionary<string, string> errors, string field, decimal? value, string currency, bool allowNegative)
    {
        if (value is not { } amount)
        {
            errors[field] = $"{field} is required.";
        }
        else if (!allowNegative && amount < 0)
        {
            errors[field] = $"{field} cannot be negative.";
        }
        else if (Currencies.IsTooLarge(amount, currency))
        {
            errors[field] = $"{field} is too large: {amount.ToString(CultureInfo.InvariantCulture)}.";
        }
        else if (Currencies.ToMinor(amount, currency) is null)
        {
            errors[field] = $"{field} has more decimals than {currency} allows ({Currencies.Digits[currency]}): {amount.ToString(CultureInfo.InvariantCulture)}.";
        }
    }

    private static Dictionary<string, string> ValidateOrder(OrderRecord r)
    {
        var errors = new Dictionary<string, string>();
        Require(errors, "externalId", r.ExternalId, 100);
        Require(errors, "externalAccountId", r.ExternalAccountId, 100);
        Require(errors, "reference", r.Reference, 50);
        if (r.Title?.Length > 200) errors["title"] = "title can be at most 200 characters.";
        if (r.Kind is not null && !Order.Kinds.Contains(r.Kind)) errors["kind"] = $"kind must be one of: {string.Join(", ", Order.Kinds)}.";
        if (!Order.Statuses.Contains(r.Status ?? "", StringComparer.OrdinalIgnoreCase)) errors["status"] = $"status must be one of: {string.Join(", ", Order.Statuses)}.";
        for (var i = 0; i < (r.Milestones?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(r.Milestones![i].Name) || r.Milestones[i].Name!.Length > 200) errors[$"milestones[{i}].name"] = "A milestone needs a name of at most 200 characters.";
        }
        for (var i = 0; i < (r.Timeline?.Count ?? 0); i++)
        {
            if (r.Timeline![i].At is null || string.IsNullOrWhiteSpace(r.Timeline[i].Text)) errors[$"timeline[{i}]"] = "A timeline entry needs at and text.";
        }
        if (r.Tracking?.Url is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            errors["tracking.url"] = "tracking.url must be an absolute https URL.";
        }
        return errors;
    }
}
