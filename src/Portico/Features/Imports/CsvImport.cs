using System.Net.Mail;
using CsvHelper;
using CsvHelper.Configuration;

namespace Portico.Features.Imports;

/// Detail says why a row was stale (older than the record the portal holds).
public sealed record ImportRow(int Line, string? Key, string Outcome, IReadOnlyDictionary<string, string>? Errors, string? Detail = null);

/// Stale rows are older than what the portal holds: not applied, and no reason to refuse the rest of the file.
public sealed record ImportReport(string Kind, bool DryRun, bool Applied, int Rows, int Created, int Updated, int Unchanged, int Failed, IReadOnlyList<ImportRow> Results,
    string? Error = null, int Stale = 0);

/// Imports a CSV file of accounts, contacts, invoices or orders. A dry run checks every row and
/// writes nothing; a real import writes only when no row has an error, so a file is all or nothing.
/// Accounts, invoices and orders go through the same checks as the integration API, as the
/// built-in "CSV import" integration, which must be their system of record.
public sealed class CsvImport(PorticoDb db, IntegrationSync sync, UserManager<PorticoUser> users, AuditLog audit, TimeProvider clock,
    IStringLocalizer<CsvImport> text)
{
    public const string IntegrationName = "CSV import";
    public const int MaxRows = 10_000;
    /// Optional, as in the integration API: the source's version and change time order the rows against what is stored.
    public static readonly string[] VersionColumns = ["version", "updatedAt"];

    public static readonly IReadOnlyDictionary<string, string[]> Columns = new Dictionary<string, string[]>
    {
        ["accounts"] = ["externalId", "name", .. VersionColumns],
        ["contacts"] = ["email", "name", "accountExternalId", "role", "expiresOn"],
        ["invoices"] = ["externalId", "externalAccountId", "number", "currency", "issuedOn", "dueOn", "status", "total", "paid", .. VersionColumns],
        ["orders"] = ["externalId", "externalAccountId", "reference", "title", "kind", "status", .. VersionColumns],
    };

    public async Task<ImportReport> RunAsync(string kind, Stream csv, bool dryRun, CancellationToken ct)
    {
        if (!Columns.TryGetValue(kind, out var columns))
        {
            return Refused(kind, dryRun, text["Choose what the file contains."]);
        }
        List<Dictionary<string, string>> rows;
        try
        {
            rows = await ReadAsync(csv, columns, ct);
        }
        catch (Exception e) when (e is CsvHelperException or FormatException or InvalidDataException)
        {
            return Refused(kind, dryRun, text["The file could not be read as CSV: {0}", e.Message.Split('\n')[0]]);
        }
        if (rows.Count == 0)
        {
            return Refused(kind, dryRun, text["The file has a header but no rows."]);
        }
        if (rows.Count > MaxRows)
        {
            return Refused(kind, dryRun, text["At most {0:N0} rows per file; this one has {1:N0}.", MaxRows, rows.Count]);
        }
        if (kind == "contacts")
        {
            return await ContactsAsync(rows, dryRun, ct);
        }
        var integration = await CsvIntegrationAsync(ct);
        var objectType = kind;
        if (await sync.RefusalAsync(integration.Id, objectType, ct) is { } refusal)
        {
            return Refused(kind, dryRun, refusal.Replace("this key cannot", "a CSV file cannot", StringComparison.Ordinal)
                + $" To import {kind} from files, make \"{IntegrationName}\" their system of record under Integrations.");
        }
        // Check first; write only if every row passes.
        var check = await SyncAsync(kind, integration.Id, rows, dryRun: true, ct);
        if (dryRun || check.Failed > 0)
        {
            return Report(kind, dryRun, applied: false, rows.Count, check);
        }
        var result = await SyncAsync(kind, integration.Id, rows, dryRun: false, ct);
        return Report(kind, dryRun, applied: result.Failed == 0, rows.Count, result);
    }

    private Task<BatchResult> SyncAsync(string kind, Guid integrationId, List<Dictionary<string, string>> rows, bool dryRun, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return kind switch
        {
            "accounts" => sync.AccountsAsync(integrationId, dryRun, rows.Select((r, i) => Versioned(r, i, (version, at) =>
                (AccountRecord?)new AccountRecord(Get(r, "externalId"), Get(r, "name"), version, at))).ToList(), ct),
            "invoices" => sync.InvoicesAsync(integrationId, dryRun, rows.Select((r, i) => Invoice(r, i)).ToList(), ct),
            _ => sync.OrdersAsync(integrationId, dryRun, rows.Select((r, i) => Versioned(r, i, (version, at) => (OrderRecord?)new OrderRecord(Get(r, "externalId"),
                Get(r, "externalAccountId"), Get(r, "reference"), Get(r, "title"), Get(r, "kind"), Get(r, "status"), null, null, null, version, at))).ToList(), ct),
        };
    }

    /// The row's record with its version and change time, or why they cannot be read.
    private static (int, T?, string?) Versioned<T>(Dictionary<string, string> r, int index, Func<long?, DateTime?, T?> record) where T : class
    {
        var errors = new List<string>();
        var (version, at) = Stamp(r, errors);
        return errors.Count > 0 ? (index, null, string.Join("; ", errors) + ".") : (index, record(version, at), null);
    }

    private static (long? Version, DateTime? UpdatedAt) Stamp(Dictionary<string, string> r, List<string> errors)
    {
        long? version = null;
        DateTime? at = null;
        if (Get(r, "version") is { } v)
        {
            if (long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                version = parsed;
            }
            else
            {
                errors.Add("version must be a whole number, 0 or more");
            }
        }
        if (Get(r, "updatedAt") is { } u)
        {
            if (DateTime.TryParse(u, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) && parsed.Kind != DateTimeKind.Unspecified)
            {
                at = parsed;
            }
            else
            {
                errors.Add("updatedAt must be a date and time with a time zone, such as 2026-12-01T09:30:00Z");
            }
        }
        return (version, at);
    }

    private static (int, InvoiceRecord?, string?) Invoice(Dictionary<string, string> r, int index)
    {
        var errors = new List<string>();
        DateOnly? Date(string column)
        {
            var value = Get(r, column);
            if (value is null) return null;
            if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
            errors.Add($"{column} must be a date (YYYY-MM-DD)");
            return null;
        }
        decimal? Amount(string column)
        {
            var value = Get(r, column);
            if (value is null) return null;
            if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount)) return amount;
            errors.Add($"{column} must be a number such as 1250.00");
            return null;
        }
        var issued = Date("issuedOn");
        var due = Date("dueOn");
        var total = Amount("total");
        var paid = Amount("paid");
        var (version, at) = Stamp(r, errors);
        if (errors.Count > 0)
        {
            return (index, null, string.Join("; ", errors) + ".");
        }
        return (index, new InvoiceRecord(Get(r, "externalId"), Get(r, "externalAccountId"), Get(r, "number"), Get(r, "currency"), issued, due, Get(r, "status"), total,
            null, paid is > 0 ? [new PaymentRecord(due ?? issued, paid, "CSV import")] : null, null, version, at), null);
    }

    private async Task<ImportReport> ContactsAsync(List<Dictionary<string, string>> rows, bool dryRun, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var roles = await db.Roles.ToDictionaryAsync(r => r.Name, r => r.Id, ct);
        var externalIds = rows.Select(r => Get(r, "accountExternalId")).OfType<string>().Distinct().ToList();
        var accounts = await db.Accounts.Where(a => externalIds.Contains(a.ExternalId!)).ToDictionaryAsync(a => a.ExternalId!, a => a.Id, ct);
        var results = new List<ImportRow>();
        var valid = new List<(int Line, string Email, string Name, Guid AccountId, Guid RoleId, DateTime? Expires)>();
        var seen = new HashSet<(string, Guid)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var line = i + 2;
            var errors = new Dictionary<string, string>();
            var email = Get(r, "email");
            if (email is null || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || email.Length > 256) errors["email"] = text["email must be an address such as ana@example.com."];
            var name = Get(r, "name");
            if (name is null || name.Length > 200) errors["name"] = text["name is required (at most {0} characters).", 200];
            var accountId = Guid.Empty;
            if (Get(r, "accountExternalId") is not { } external || !accounts.TryGetValue(external, out accountId)) errors["accountExternalId"] = text["No account has the external id \"{0}\".", Get(r, "accountExternalId") ?? ""];
            var roleId = Guid.Empty;
            if (Get(r, "role") is not { } role || !roles.TryGetValue(role, out roleId)) errors["role"] = text["role must be one of: {0}.", string.Join(", ", roles.Keys.Order())];
            DateTime? expires = null;
            if (Get(r, "expiresOn") is { } expiresText)
            {
                if (DateOnly.TryParseExact(expiresText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.ToDateTime(TimeOnly.MinValue) > now)
                    expires = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
                else
                    errors["expiresOn"] = text["expiresOn must be a future date (YYYY-MM-DD)."];
            }
            if (errors.Count == 0 && !seen.Add((email!.ToUpperInvariant(), accountId))) errors["email"] = text["This person appears twice for the same account in this file."];
            if (errors.Count > 0)
            {
                results.Add(new ImportRow(line, email, "error", errors));
                continue;
            }
            valid.Add((line, email!, name!, accountId, roleId, expires));
        }
        var normalized = valid.Select(v => v.Email.ToUpperInvariant()).Distinct().ToList();
        var existingUsers = await db.Users.Where(u => normalized.Contains(u.NormalizedEmail!)).ToDictionaryAsync(u => u.NormalizedEmail!, u => u.Id, ct);
        var memberships = await db.Memberships.AcrossAccounts().Where(m => existingUsers.Values.Contains(m.UserId)).Select(m => new { m.UserId, m.AccountId }).ToListAsync(ct);
        int created = 0, unchanged = 0;
        foreach (var v in valid)
        {
            var known = existingUsers.TryGetValue(v.Email.ToUpperInvariant(), out var userId);
            if (known && memberships.Any(m => m.UserId == userId && m.AccountId == v.AccountId))
            {
                results.Add(new ImportRow(v.Line, v.Email, "unchanged", null));
                unchanged++;
                continue;
            }
            results.Add(new ImportRow(v.Line, v.Email, "created", null));
            created++;
        }
        var failed = results.Count(r => r.Outcome == "error");
        results = results.OrderBy(r => r.Line).ToList();
        if (dryRun || failed > 0)
        {
            return new ImportReport("contacts", dryRun, false, rows.Count, created, 0, unchanged, failed, results);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var v in valid.Where(v => results.Single(r => r.Line == v.Line).Outcome == "created"))
        {
            if (!existingUsers.TryGetValue(v.Email.ToUpperInvariant(), out var userId))
            {
                // No password: the person signs in after an invitation or a password reset.
                var user = new PorticoUser { UserName = v.Email, Email = v.Email, DisplayName = v.Name, CreatedAt = now };
                var outcome = await users.CreateAsync(user);
                if (!outcome.Succeeded)
                {
                    await transaction.RollbackAsync(ct);
                    return Refused("contacts", dryRun, text["Line {0}: {1} Nothing was imported.", v.Line, string.Join(" ", outcome.Errors.Select(e => e.Description))]);
                }
                userId = user.Id;
                existingUsers[v.Email.ToUpperInvariant()] = userId;
            }
            db.Memberships.Add(new Membership(v.AccountId, userId, v.RoleId, now, v.Expires));
        }
        audit.Record(AuditActions.CsvImported, null, "Import", "contacts", new { rows = rows.Count, created });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new ImportReport("contacts", false, true, rows.Count, created, 0, unchanged, 0, results);
    }

    private async Task<Integration> CsvIntegrationAsync(CancellationToken ct)
    {
        var integration = await db.Integrations.SingleOrDefaultAsync(i => i.Name == IntegrationName, ct);
        if (integration is null)
        {
            // Files arrive whenever someone uploads one, so it never counts as late.
            integration = new Integration(IntegrationName, 60 * 24 * 31, clock.GetUtcNow().UtcDateTime);
            db.Integrations.Add(integration);
            await db.SaveChangesAsync(ct);
        }
        return integration;
    }

    private async Task<List<Dictionary<string, string>>> ReadAsync(Stream csv, string[] columns, CancellationToken ct)
    {
        using var reader = new StreamReader(csv);
        using var parser = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, DetectDelimiter = true });
        if (!await parser.ReadAsync() || !parser.ReadHeader() || parser.HeaderRecord is null)
        {
            throw new InvalidDataException(text["The file is empty."]);
        }
        var header = parser.HeaderRecord;
        var unknown = header.Except(columns, StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException(text["Unknown column(s): {0}. Expected: {1}.", string.Join(", ", unknown), string.Join(", ", columns)]);
        }
        var rows = new List<Dictionary<string, string>>();
        while (await parser.ReadAsync())
        {
            ct.ThrowIfCancellationRequested();
            var row = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var column in header)
            {
                var value = parser.GetField(column) ?? "";
                if (ControlCharacters.Find(value) is { } found)
                {
                    throw new InvalidDataException(ControlCharacters.Message($"Row {rows.Count + 2}, column {column},", found));
                }
                row[column] = value;
            }
            rows.Add(row);
            if (rows.Count > MaxRows)
            {
                break;
            }
        }
        return rows;
    }

    private static string? Get(Dictionary<string, string> row, string column) => row.TryGetValue(column, out var v) && v.Length > 0 ? v : null;

    private static ImportReport Refused(string kind, bool dryRun, string error) => new(kind, dryRun, false, 0, 0, 0, 0, 0, [], error);

    private static ImportReport Report(string kind, bool dryRun, bool applied, int rows, BatchResult result) =>
        new(kind, dryRun, applied, rows, result.Created, result.Updated, result.Unchanged, result.Failed,
            result.Results.Select(r => new ImportRow(r.Index + 2, r.ExternalId, r.Outcome, r.Errors, r.Detail)).ToList(), Stale: result.Stale);
}
