using System.Text.RegularExpressions;

namespace Portico.Tests.Infrastructure;

public static partial class MailLinks
{
    /// The path of the first link starting with <paramref name="path"/> in a message to the address.
    public static async Task<string> LinkAsync(this SmtpSink mail, string to, string path)
    {
        var message = await mail.WaitForAsync(m => m.Contains("To: " + to, StringComparison.OrdinalIgnoreCase) && m.Contains(path, StringComparison.Ordinal));
        // Plain-text mail may fold long lines; undo quoted-printable soft breaks first.
        var text = message.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=\n", "", StringComparison.Ordinal);
        return LinkPattern().Match(text[text.IndexOf(path, StringComparison.Ordinal)..]).Value;
    }

    [GeneratedRegex(@"^/[A-Za-z0-9/_-]+")]
    private static partial Regex LinkPattern();
}
