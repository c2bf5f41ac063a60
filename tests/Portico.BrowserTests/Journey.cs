using MimeKit;

namespace Portico.BrowserTests;

/// A journey through the portal in Debian's Chromium, on the app its fixture starts.
public abstract class Journey<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : BrowserFixture
{
    protected TFixture Fixture => fixture;

    protected PorticoApp App => fixture.App;

    /// The first message the SMTP server received for the address that matches; decoded, so folded headers and encodings do not matter.
    protected async Task<MimeMessage> WaitForEmailAsync(string to, Func<MimeMessage, bool>? matches = null)
    {
        var raw = await App.Mail.WaitForAsync(m =>
        {
            var message = Parse(m);
            return message.To.Mailboxes.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase)) && (matches?.Invoke(message) ?? true);
        });
        return Parse(raw);
    }

    /// The address in a message's text that contains the path, as a person would copy it from the email.
    protected static string LinkIn(MimeMessage email, string path) =>
        (email.TextBody ?? "").Split(['\n', ' '], StringSplitOptions.RemoveEmptyEntries).Single(w => w.Contains(path, StringComparison.Ordinal)).Trim();

    private static MimeMessage Parse(string raw)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw));
        return MimeMessage.Load(stream);
    }
}

/// A journey on the app as it is configured by default.
public abstract class Journey(BrowserFixture fixture) : Journey<BrowserFixture>(fixture);
