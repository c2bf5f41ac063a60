namespace Portico.Features.Documents;

public static class DocumentUploads
{
    /// Largest form post with a file; the configured Documents:MaxFileBytes is checked while streaming.
    public const long MaxFormBytes = 2L * 1024 * 1024 * 1024 + 1024 * 1024;
}
