namespace Portico.Tests.Infrastructure;

public static partial class MailLinks
{
    /// The path (and query, if any) of the first link starting with <paramref name="path"/> in a message to the address.
    public static async Task<string> LinkAsync(this SmtpSink mail, string to, string path)
    {
        var message = await mail.WaitForAsync(m => m.Contains("To: " + to, StringComparison.OrdinalIgnoreCase) && Body(m).Contains(path, StringComparison.Ordinal));
        var text = Body(message);
        return LinkPattern().Match(text[text.IndexOf(path, StringComparison.Ordinal)..]).Value;
    }

    /// The decoded text of a message. Plain-text mail may be quoted-printable, which folds long lines and writes "=" as "=3D".
    public static string Body(string raw)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw));
        return MimeKit.MimeMessage.Load(stream).TextBody ?? "";
    }

    [GeneratedRegex(@"^/[A-Za-z0-9/_-]+(\?[A-Za-z0-9._~%&=-]+)?")]
    private static partial Regex LinkPattern();
}
