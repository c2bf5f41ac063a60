using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Portico.Infrastructure.Outbox;

namespace Portico.Infrastructure.Email;

public sealed class SmtpOptions : IValidatableObject
{
    public const string Section = "Smtp";

    /// SMTP server to deliver through. Empty means "write each message to PickupDirectory".
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    public bool UseStartTls { get; set; }
    public string? UserName { get; set; }
    public string? Password { get; set; }

    [Required, EmailAddress]
    public string From { get; set; } = "portal@portico.local";

    public string FromName { get; set; } = "Portico";

    public string PickupDirectory { get; set; } = "data/mail";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Host) && string.IsNullOrWhiteSpace(PickupDirectory))
        {
            yield return new ValidationResult("Set Smtp:Host to send email, or Smtp:PickupDirectory to write it to disk.",
                [nameof(Host), nameof(PickupDirectory)]);
        }
        if (!string.IsNullOrEmpty(UserName) && string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Smtp:Password is required when Smtp:UserName is set.", [nameof(Password)]);
        }
    }
}

/// Language: the recipient's ("de"), for the words the HTML part adds; null is English.
public sealed record EmailMessage(string To, string Subject, string TextBody, string? Language = null);

/// Queues email in the current unit of work; it is sent only if the change is saved.
public sealed class EmailOutbox(PorticoDb db, TimeProvider clock)
{
    public const string MessageType = "email";

    /// An email in its recipient's language: <paramref name="compose"/> runs with that language current, so every text it
    /// takes from a localizer, and every date and number it formats, is in it. The message keeps the language for its HTML part.
    public void Queue(string to, string? language, Func<(string Subject, string[] Paragraphs)> compose)
    {
        using (Languages.For(language))
        {
            var (subject, paragraphs) = compose();
            db.OutboxMessages.Add(OutboxMessage.Create(MessageType, new EmailMessage(to, subject, Paragraphs(paragraphs), Languages.Normalize(language)),
                clock.GetUtcNow().UtcDateTime));
        }
    }

    /// Paragraphs of a plain-text email, as the HTML part expects them: a blank line between, a line break at the end.
    private static string Paragraphs(string[] paragraphs) => string.Join("\n\n", paragraphs) + "\n";
}

public sealed class SendEmail(IOptions<SmtpOptions> options, IEmailBrand brand, IHostEnvironment environment) : IOutboxHandler
{
    public string Type => EmailOutbox.MessageType;

    public async Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var email = message.Read<EmailMessage>();
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(o.FromName, o.From));
        mime.To.Add(MailboxAddress.Parse(email.To));
        mime.Subject = email.Subject;
        // The outbox id as Message-Id lets receivers drop a repeat after a crash mid-send.
        mime.MessageId = $"{message.Id:N}@portico";
        // Plain text and the same words in HTML (multipart/alternative): mail clients show what they prefer.
        var portal = await brand.GetAsync(cancellationToken);
        string html;
        using (Languages.For(email.Language))
        {
            html = EmailHtml.Render(email.Subject, email.TextBody, portal);
        }
        mime.Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = html }.ToMessageBody();

        if (string.IsNullOrWhiteSpace(o.Host))
        {
            var directory = Path.GetFullPath(o.PickupDirectory, environment.ContentRootPath);
            Directory.CreateDirectory(directory);
            await mime.WriteToAsync(Path.Combine(directory, $"{message.Id:N}.eml"), cancellationToken);
            return;
        }

        using var client = new SmtpClient();
        await client.ConnectAsync(o.Host, o.Port, o.UseStartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
        if (!string.IsNullOrEmpty(o.UserName))
        {
            await client.AuthenticateAsync(o.UserName, o.Password ?? "", cancellationToken);
        }
        await client.SendAsync(mime, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}
