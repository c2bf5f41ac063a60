namespace Portico.Features.Requests;

public static class RequestLimits
{
    public const int TypeName = 100;
    public const int TypeDescription = 1000;
    public const int Subject = 200;
    public const int Body = 10_000;
    public const int ShortText = 500;
    public const int FieldLabel = 100;
    public const int MaxFields = 30;
    public const int MaxOptions = 50;
    public const int MaxFilesPerUpload = 5;
}

public sealed class RequestOptions
{
    public const string Section = "Requests";

    /// Days after resolution in which the customer may still reopen the request.
    [Range(0, 365)]
    public int ReopenWindowDays { get; set; } = 14;

    /// A field for attachments with these limits, which the browser checks before sending (the server checks again).
    public Shared.UploadField AttachmentField(string id, string name, string label, bool required, string? hint = null) =>
        new(id, name, label, hint ?? $"Up to {RequestLimits.MaxFilesPerUpload} files, {RequestForm.FormatSize(MaxAttachmentBytes)} each.",
            MaxAttachmentBytes, AllowedExtensions, RequestLimits.MaxFilesPerUpload, required);

    [Range(1024, 100 * 1024 * 1024)]
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;

    /// File types customers and staff may attach, by extension.
    [MinLength(1)]
    public string[] AllowedExtensions { get; set; } =
        [".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".txt", ".csv", ".log", ".json", ".xml", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".zip"];
}
