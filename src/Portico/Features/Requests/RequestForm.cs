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
    /// The message in the person's language where a localizer is given; callers without one (staff, the API) get English.
    internal static string Say(this IStringLocalizer? text, string format, params object[] arguments) =>
        text is null ? string.Format(CultureInfo.CurrentCulture, format, arguments) : text[format, arguments];

    public const string SubjectKey = "subject";
    public const string PriorityKey = "priority";

    public static (ValidRequest? Request, Dictionary<string, string> Errors) Validate(RequestType type, RequestInput input, RequestOptions options, IStringLocalizer? text = null)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var subject = input.Subject?.Trim() ?? "";
        if (subject.Length == 0)
        {
            errors[SubjectKey] = text.Say("Enter a subject.");
        }
        else if (subject.Length > RequestLimits.Subject)
        {
            errors[SubjectKey] = text.Say("The subject can be at most {0} characters.", RequestLimits.Subject);
        }

        var priority = RequestPriority.Normal;
        if (!string.IsNullOrWhiteSpace(input.Priority)
            && (!Enum.TryParse(input.Priority, ignoreCase: true, out priority) || !Enum.IsDefined(priority)))
        {
            errors[PriorityKey] = text.Say("Choose a priority: Low, Normal, High or Urgent.");
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
                        errors[field.Key] = text.Say("Attach a file for \"{0}\".", field.Label);
                    }
                    continue;
                }
                if (CheckFiles(uploaded, options, text) is { } fileError)
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
                    errors[field.Key] = field.HasOptions ? text.Say("Choose an option for \"{0}\".", field.Label) : text.Say("Fill in \"{0}\".", field.Label);
                }
                continue;
            }
            var (value, error) = ValidateValue(field, raw, text);
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

    private static (string? Value, string? Error) ValidateValue(RequestField field, List<string> raw, IStringLocalizer? text)
    {
        if (field.Kind != FieldKind.MultiChoice && raw.Count > 1)
        {
            return (null, text.Say("\"{0}\" takes one value.", field.Label));
        }
        var single = raw[0];
        switch (field.Kind)
        {
            case FieldKind.Text:
                return single.Length > RequestLimits.ShortText || single.Contains('\n', StringComparison.Ordinal)
                    ? (null, text.Say("\"{0}\" takes one line of at most {1} characters.", field.Label, RequestLimits.ShortText))
                    : (single, null);
            case FieldKind.LongText:
                return single.Length > RequestLimits.Body
                    ? (null, text.Say("\"{0}\" can be at most {1:N0} characters.", field.Label, RequestLimits.Body))
                    : (single, null);
            case FieldKind.Number:
                return decimal.TryParse(single, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
                    ? (number.ToString(CultureInfo.InvariantCulture), null)
                    : (null, text.Say("\"{0}\" must be a number, such as 12 or 3.5.", field.Label));
            case FieldKind.Date:
                return DateOnly.TryParseExact(single, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    ? (date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null)
                    : (null, text.Say("\"{0}\" must be a date (YYYY-MM-DD).", field.Label));
            case FieldKind.Choice:
                return field.Options.Contains(single, StringComparer.Ordinal)
                    ? (single, null)
                    : (null, text.Say("\"{0}\" must be one of: {1}.", field.Label, string.Join(", ", field.Options)));
            case FieldKind.MultiChoice:
                var unknown = raw.Where(v => !field.Options.Contains(v, StringComparer.Ordinal)).ToList();
                return unknown.Count > 0
                    ? (null, text.Say("\"{0}\" can only contain: {1}.", field.Label, string.Join(", ", field.Options)))
                    : (string.Join("\n", raw.Distinct(StringComparer.Ordinal)), null);
            default:
                return (null, text.Say("\"{0}\" cannot be filled in here.", field.Label));
        }
    }

    /// Name, size and type checks for any upload on a request, the same as for documents: the
    /// bytes must match the name. Null when all files are acceptable.
    public static string? CheckFiles(IReadOnlyList<UploadedFile> files, RequestOptions options, IStringLocalizer? text = null)
    {
        if (files.Count > RequestLimits.MaxFilesPerUpload)
        {
            return text.Say("Attach at most {0} files at once.", RequestLimits.MaxFilesPerUpload);
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
                return text.Say("\"{0}\" is empty.", name);
            }
            if (file.Content.Length > options.MaxAttachmentBytes)
            {
                return text.Say("\"{0}\" is larger than the limit of {1}.", name, FormatSize(options.MaxAttachmentBytes));
            }
            var extension = Path.GetExtension(name).ToLowerInvariant();
            if (!options.AllowedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
            {
                return text.Say("\"{0}\" is a type of file that is not accepted. Accepted: {1}.", name, string.Join(" ", options.AllowedExtensions));
            }
            if (Documents.FileChecks.DetectContentType(name, file.Content) is null)
            {
                return Documents.FileChecks.ContentMismatch(name, text);
            }
        }
        return null;
    }

    /// In the reader's language and number format.
    public static string FormatSize(long bytes) => bytes switch
    {
        >= 1024 * 1024 => HumanText.Localize("{0} MB", (bytes / 1024.0 / 1024.0).ToString("0.#", CultureInfo.CurrentCulture)),
        >= 1024 => HumanText.Localize("{0} KB", (bytes / 1024.0).ToString("0.#", CultureInfo.CurrentCulture)),
        _ => HumanText.Localize("{0} bytes", bytes.ToString(CultureInfo.CurrentCulture)),
    };
}

/// What the request type's field partial needs: the type, what was posted (to show it again), errors and limits.
public sealed record RequestFieldsView(RequestType Type, IFormCollection? Form, IReadOnlyDictionary<string, string> Errors, RequestOptions Limits)
{
    public string? Error(string key) => Errors.TryGetValue(key, out var e) ? e : null;

    public string Value(string key) => Form?[NewModel.ValuePrefix + key].ToString() ?? "";

    public bool Selected(string key, string option) => Form?[NewModel.ValuePrefix + key].Contains(option) == true;
}
