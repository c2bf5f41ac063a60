using Microsoft.Net.Http.Headers;

namespace Portico.Infrastructure.Storage;

/// Serving stored files: each is checked against its SHA-256 before a byte is sent, and always
/// sent as a sandboxed attachment so nothing renders from the portal's origin.
public static class BlobDownloads
{
    /// The stored file, checked against its SHA-256 and rewound for sending; null when missing or damaged.
    /// One open serves both the check and the transfer.
    public static async Task<Stream?> OpenIntactAsync(this IBlobStorage storage, string key, string sha256, CancellationToken ct)
    {
        Stream stream;
        try
        {
            stream = await storage.OpenReadAsync(key, ct);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var keep = false;
        try
        {
            if (Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct)) != sha256)
            {
                return null;
            }
            if (!stream.CanSeek)
            {
                return await storage.OpenReadAsync(key, ct);
            }
            stream.Position = 0;
            keep = true;
            return stream;
        }
        finally
        {
            if (!keep)
            {
                await stream.DisposeAsync();
            }
        }
    }

    public static IResult Send(HttpContext http, Stream stream, string servedContentType, string fileName, string sha256, DateTime lastModified)
    {
        http.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        http.Response.Headers["X-Checksum-SHA256"] = sha256;
        return Results.Stream(stream, servedContentType, fileName, lastModified: lastModified, entityTag: new EntityTagHeaderValue($"\"{sha256}\""));
    }

    public static IResult Damaged() =>
        Results.Problem("This file is damaged in storage and cannot be served. The team has been alerted.", statusCode: StatusCodes.Status500InternalServerError);
}
