using System.Globalization;

namespace Portico.Features.Requests;

/// What a person filled in, before validation: every field's raw values and files.
public sealed record RequestInput(
    string? Subject, string? Priority, bool Shared,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Values,
    IReadOnlyDictionary<string, IReadOnlyList<UploadedFile>> Files);

public sealed record ValidRequest(
    string Subject, RequestPriority Priority, bool Shared, Dictionary<string, string> Values, List<(string FieldKey, UploadedFile File)> Files);

/// Validates a submission against its request type, the same way for pages and the API.
/// Errors are keyed by the field key ("subject", "priority" or a custom field's key).
public static class RequestForm
{
    public const string SubjectKey = "subject";
    public const string PriorityKey = "priority";

    public static (ValidRequest? Request, Dictionary<string, string> Errors) Validate(RequestType type, RequestInput input, RequestOptions options)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var subject = input.Subject?.Trim() ?? "";
        if (subject.Length == 0)
        {
            errors[SubjectKey] = "Enter a subject.";
        }
        else if (subject.Length > RequestLimits.Subject)
        {
            errors[SubjectKey] = $"The subject can be at most {RequestLimits.Subject} characters.";
        }

        var priority = RequestPriority.Normal;
        if (!string.IsNullOrWhiteSpace(input.Priority)
            && (!Enum.TryParse(input.Priority, ignoreCase: true, out priority) || !Enum.IsDefined(priority)))
        {
            errors[PriorityKey] = "Choose a priority: Low, Normal, High or Urgent.";
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<(string, UploadedFile)>();
        foreach (var field in type.Fields)
        {
            var raw = input.Values.TryGetValue(field.Key, out var given)
                ? given.Select(v => v.Trim().ReplaceLineEndings("\n")).Where(v => v.Length > 0).ToList()
                : [];
            if (field.Kind == FieldKind.File)
            {
                var uploaded = input.Files.TryGetValue(field.Key, out var f) ? f.Where(x => x.Content.Length > 0 || x.FileName.Length > 0 || x.NameError is not null).ToList() : [];
                if (uploaded.Count == 0)
                {
                    if (field.Required)
                    {
                        errors[field.Key] = $"Attach a file for \"{field.Label}\".";
                    }
                    continue;
                }
                if (CheckFiles(uploaded, options) is { } fileError)
                {
                    errors[field.Key] = fileError;
                    continue;
                }
                files.AddRange(uploaded.Select(u => (field.Key, u)));
                continue;
            }
            if (raw.Count == 0)
            {
                if (field.Required)
                {
                    errors[field.Key] = field.HasOptions ? $"Choose an option for \"{field.Label}\"." : $"Fill in \"{field.Label}\".";
                }
                continue;
            }
            var (value, error) = ValidateValue(field, raw);
            if (error is not null)
            {
                errors[field.Key] = error;
            }
            else
            {
                values[field.Key] = value!;
            }
        }
        return errors.Count > 0 ? (null, errors) : (new ValidRequest(subject, priority, input.Shared, values, files), errors);
    }

    private static (string? Value, string? Error) ValidateValue(RequestField field, List<string> raw)
    {
        if (field.Kind != FieldKind.MultiChoice && raw.Count > 1)
        {
            return (null, $"\"{field.Label}\" takes one value.");
        }
        var single = raw[0];
        switch (field.Kind)
        {
            case FieldKind.Text:
                return single.Length > RequestLimits.ShortText || single.Contains('\n', StringComparison.Ordinal)
                    ? (null, $"\"{field.Label}\" takes one line of at most {RequestLimits.ShortText} characters.")
                    : (single, null);
            case FieldKind.LongText:
                return single.Length > RequestLimits.Body
                    ? (null, $"\"{field.Label}\" can be at most {RequestLimits.Body:N0} characters.")
                    : (single, null);
            case FieldKind.Number:
                return decimal.TryParse(single, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
                    ? (number.ToString(CultureInfo.InvariantCulture), null)
                    : (null, $"\"{field.Label}\" must be a number, such as 12 or 3.5.");
            case FieldKind.Date:
                return DateOnly.TryParseExact(single, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    ? (date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null)
                    : (null, $"\"{field.Label}\" must be a date (YYYY-MM-DD).");
            case FieldKind.Choice:
                return field.Options.Contains(single, StringComparer.Ordinal)
                    ? (single, null)
                    : (null, $"\"{field.Label}\" must be one of: {string.Join(", ", field.Options)}.");
            case FieldKind.MultiChoice:
                var unknown = raw.Where(v => !field.Options.Contains(v, StringComparer.Ordinal)).ToList();
                return unknown.Count > 0
                    ? (null, $"\"{field.Label}\" can only contain: {string.Join(", ", field.Options)}.")
                    : (string.Join("\n", raw.Distinct(StringComparer.Ordinal)), null);
            default:
                return (null, $"\"{field.Label}\" cannot be filled in here.");
        }
    }

    /// Name, size and type checks for any upload on a request, the same as for documents: the
    /// bytes must match the name. Null when all files are acceptable.
    public static string? CheckFiles(IReadOnlyList<UploadedFile> files, RequestOptions options)
    {
        if (files.Count > RequestLimits.MaxFilesPerUpload)
        {
            return $"Attach at most {RequestLimits.MaxFilesPerUpload} files at once.";
        }
        foreach (var file in files)
        {
            if (file.NameError is not null)
            {
                return file.NameError;
            }
            var name = file.FileName;
            if (file.Content.Length == 0)
            {
                return $"\"{name}\" is empty.";
            }
            if (file.Content.Length > options.MaxAttachmentBytes)
            {
                return $"\"{name}\" is larger than the limit of {FormatSize(options.MaxAttachmentBytes)}.";
            }
            var extension = Path.GetExtension(name).ToLowerInvariant();
            if (!options.AllowedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
            {
                return $"\"{name}\" is a type of file that is not accepted. Accepted: {string.Join(" ", options.AllowedExtensions)}.";
            }
            if (Documents.FileChecks.DetectContentType(name, file.Content) is null)
            {
                return Documents.FileChecks.ContentMismatch(name);
            }
        }
        return null;
    }

    public static string FormatSize(long bytes) => bytes switch
    {
        >= 1024 * 1024 => $"{bytes / 1024.0 / 1024.0:0.#} MB",
        >= 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes} bytes",
    };
}

/// What the request type's field partial needs: the type, what was posted (to show it again), errors and limits.
public sealed record RequestFieldsView(RequestType Type, IFormCollection? Form, IReadOnlyDictionary<string, string> Errors, RequestOptions Limits)
{
    public string? Error(string key) => Errors.TryGetValue(key, out var e) ? e : null;

    public string Value(string key) => Form?[NewModel.ValuePrefix + key].ToString() ?? "";

    public bool Selected(string key, string option) => Form?[NewModel.ValuePrefix + key].Contains(option) == true;
}
