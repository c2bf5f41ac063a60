namespace Portico.Features.Identity;

/// The words of the emails about a person's sign-in and account (IdentityEmails.de.resx). Read them inside
/// EmailOutbox.Queue's compose step, so a German recipient gets German whatever the language of whoever caused it.
public sealed class IdentityEmails(IStringLocalizer<IdentityEmails> text)
{
    public LocalizedString this[string english, params object[] arguments] => text[english, arguments];
}
