using Portico.Features.Billing;
using Portico.Features.Orders;

namespace Portico.Features.Integrations;

/// Reads and checks the records a system of record sends: the shape of a batch, and each invoice, order and
/// account record on its own, with errors by field so the sender can fix exactly what was refused.
public static class IntegrationRecordValidation
{
    public const int MaxBatch = 10_000;

    /// Also the form a record is hashed in, so a replayed record compares equal to what was stored.
    internal static readonly JsonSerializerOptions Strict = new JsonSerializerOptions(JsonSerializerDefaults.Web) { AllowTrailingCommas = false }.RefuseInJson();

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

    internal static Dictionary<string, string> ValidateDelete(string? externalId)
    {
        var errors = new Dictionary<string, string>();
        Require(errors, "externalId", externalId, 100);
        return errors;
    }

    internal static Dictionary<string, string> ValidateAccount(AccountRecord r)
    {
        var errors = new Dictionary<string, string>();
        Require(errors, "externalId", r.ExternalId, 100);
        Require(errors, "name", r.Name, 200);
        return errors;
    }

    internal static Dictionary<string, string> ValidateInvoice(InvoiceRecord r)
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

    internal static Dictionary<string, string> ValidateOrder(OrderRecord r)
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
