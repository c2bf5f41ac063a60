namespace Portico.Features.Documents;

public sealed class DocumentOptions
{
    public const string Section = "Documents";

    /// A file field with these limits, which the browser checks before sending (the server checks again).
    public Shared.UploadField Field(string id, string label, string hint) => new(id, "file", label, hint, MaxFileBytes, AllowedExtensions);

    /// Largest file accepted, streamed to storage without holding it in memory.
    [Range(1024, 64L * 1024 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    [MinLength(1)]
    public string[] AllowedExtensions { get; set; } =
        [".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".txt", ".csv", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".zip", ".xml", ".json", ".html", ".svg", ".eml", ".msg"];

    /// How often overdue document requests are reminded.
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromDays(1);
}

/// File names and types: names are cleaned, never trusted as paths; types come from the
/// bytes and the extension together, never from what the client claims.
public static class FileChecks
{
    public const int MaxNameLength = 200;

    private static readonly char[] Forbidden = ['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

    /// The last path segment, without control or reserved characters. Null with a reason when unusable.
    public static (string? Name, string? Error) CleanName(string? raw, IStringLocalizer? text = null)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return (null, text.Say("The file needs a name."));
        }
        if (raw.Length > MaxNameLength)
        {
            return (null, text.Say("File names can be at most {0} characters (this one has {1:N0}).", MaxNameLength, raw.Length));
        }
        var lastSegment = raw.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        var builder = new StringBuilder(lastSegment.Length);
        foreach (var c in lastSegment.Normalize(NormalizationForm.FormC))
        {
            builder.Append(char.IsControl(c) || Forbidden.Contains(c) ? '_' : c);
        }
        var name = builder.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        if (name.Length == 0 || name is "." or "..")
        {
            return (null, text.Say("The file name is not usable; give it a normal name such as report.pdf."));
        }
        return (name, null);
    }

    public static string? CheckExtension(string name, DocumentOptions options, IStringLocalizer? text = null)
    {
        var extension = Path.GetExtension(name).ToLowerInvariant();
        return options.AllowedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase)
            ? null
            : text.Say("\"{0}\" is a type of file that is not accepted. Accepted: {1}.", name, string.Join(" ", options.AllowedExtensions));
    }

    /// The content type from the first bytes and the extension; null when they contradict each other.
    public static string? DetectContentType(string name, ReadOnlySpan<byte> head)
    {
        var extension = Path.GetExtension(name).ToLowerInvariant();
        var sniffed = Sniff(head);
        return extension switch
        {
            ".pdf" => sniffed == "application/pdf" ? sniffed : null,
            ".png" => sniffed == "image/png" ? sniffed : null,
            ".jpg" or ".jpeg" => sniffed == "image/jpeg" ? sniffed : null,
            ".gif" => sniffed == "image/gif" ? sniffed : null,
            ".webp" => sniffed == "image/webp" ? sniffed : null,
            ".docx" => sniffed == "application/zip" ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document" : null,
            ".xlsx" => sniffed == "application/zip" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : null,
            ".pptx" => sniffed == "application/zip" ? "application/vnd.openxmlformats-officedocument.presentationml.presentation" : null,
            ".odt" => sniffed == "application/zip" ? "application/vnd.oasis.opendocument.text" : null,
            ".ods" => sniffed == "application/zip" ? "application/vnd.oasis.opendocument.spreadsheet" : null,
            ".zip" => sniffed == "application/zip" ? sniffed : null,
            ".msg" => sniffed == "application/vnd.ms-outlook" ? sniffed : null,
            // Text formats: anything that is not a known binary format.
            ".txt" or ".log" or ".csv" or ".xml" or ".json" or ".html" or ".svg" or ".eml" => sniffed is null ? TextType(extension) : null,
            _ => null,
        };
    }

    public static string ContentMismatch(string name, IStringLocalizer? text = null) =>
        text.Say("The content of \"{0}\" does not match its name. Check that it is really a {1} file.", name, Path.GetExtension(name));

    private static string TextType(string extension) => extension switch
    {
        ".csv" => "text/csv",
        ".xml" => "application/xml",
        ".json" => "application/json",
        ".html" => "text/html",
        ".svg" => "image/svg+xml",
        ".eml" => "message/rfc822",
        _ => "text/plain",
    };

    private static string? Sniff(ReadOnlySpan<byte> h)
    {
        if (h.StartsWith("%PDF-"u8)) return "application/pdf";
        if (h.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (h.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (h.StartsWith("GIF87a"u8) || h.StartsWith("GIF89a"u8)) return "image/gif";
        if (h.Length >= 12 && h.StartsWith("RIFF"u8) && h[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        if (h.StartsWith("PK\u0003\u0004"u8) || h.StartsWith("PK\u0005\u0006"u8)) return "application/zip";
        if (h.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])) return "application/vnd.ms-outlook";
        if (h.StartsWith("MZ"u8) || h.StartsWith((ReadOnlySpan<byte>)[0x7F, 0x45, 0x4C, 0x46])) return "application/x-executable";
        return null;
    }

    /// Types a browser would run or render as a page are always served as plain bytes.
    public static string ServedContentType(string contentType) => contentType switch
    {
        "application/pdf" or "image/png" or "image/jpeg" or "image/gif" or "image/webp" or "text/plain" or "text/csv" => contentType,
        _ when contentType.StartsWith("application/vnd.", StringComparison.Ordinal) || contentType == "application/zip" => contentType,
        _ => "application/octet-stream",
    };
}
