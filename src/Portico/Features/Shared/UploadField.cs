namespace Portico.Features.Shared;

/// A file field of an upload form, with the limits the server enforces for it. The page hands these to the
/// browser (js/uploads.js) so it can refuse a file before sending it, without a second copy of the numbers.
public sealed record UploadField(string Id, string Name, string Label, string Hint, long MaxBytes, IReadOnlyList<string> AllowedExtensions,
    int MaxFiles = 1, bool Required = true);
