namespace Portico.Features.Requests;

public static class Uploads
{
    /// Largest body a form with attachments may have: the per-file limit times the file count, plus the text.
    public const long MaxFormBytes = 60L * 1024 * 1024;

    /// Reads the posted files under one form name. A file over the limit is read only up to
    /// the limit plus one byte, enough for validation to refuse it without holding all of it.
    public static async Task<List<UploadedFile>> ReadAsync(IFormFileCollection files, string name, long maxBytes, CancellationToken ct)
    {
        var result = new List<UploadedFile>();
        foreach (var file in files.GetFiles(name))
        {
            if (file.Length == 0 && string.IsNullOrEmpty(file.FileName))
            {
                continue;
            }
            var limit = (int)Math.Min(file.Length, maxBytes + 1);
            var buffer = new byte[limit];
            await using var stream = file.OpenReadStream();
            await stream.ReadExactlyAsync(buffer, ct);
            result.Add(UploadedFile.Named(file.FileName, buffer));
        }
        return result;
    }
}
