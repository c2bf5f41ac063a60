namespace Portico.Features.Identity;

/// Identity's own messages that people read (the password rules, a taken or unusable address) in the reader's language
/// (IdentityErrors.de.resx); the English is Identity's. The codes stay Identity's, which the handlers compare.
public sealed class IdentityErrors(IStringLocalizer<IdentityErrors> text) : IdentityErrorDescriber
{
    private IdentityError Error(string code, string english, params object[] arguments) => new() { Code = code, Description = text[english, arguments] };

    public override IdentityError PasswordTooShort(int length) =>
        Error(nameof(PasswordTooShort), "Passwords must be at least {0} characters.", length);

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) =>
        Error(nameof(PasswordRequiresUniqueChars), "Passwords must use at least {0} different characters.", uniqueChars);

    public override IdentityError PasswordRequiresNonAlphanumeric() =>
        Error(nameof(PasswordRequiresNonAlphanumeric), "Passwords must have at least one non alphanumeric character.");

    public override IdentityError PasswordRequiresDigit() =>
        Error(nameof(PasswordRequiresDigit), "Passwords must have at least one digit ('0'-'9').");

    public override IdentityError PasswordRequiresLower() =>
        Error(nameof(PasswordRequiresLower), "Passwords must have at least one lowercase ('a'-'z').");

    public override IdentityError PasswordRequiresUpper() =>
        Error(nameof(PasswordRequiresUpper), "Passwords must have at least one uppercase ('A'-'Z').");

    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), "Email '{0}' is invalid.", email ?? "");

    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), "Email '{0}' is already taken.", email);

    public override IdentityError InvalidUserName(string? userName) =>
        Error(nameof(InvalidUserName), "Username '{0}' is invalid, can only contain letters or digits.", userName ?? "");

    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), "Username '{0}' is already taken.", userName);
}

public static class IdentityResults
{
    /// Whether Identity refused because the address or user name belongs to someone already. Between a caller's own
    /// "is it free?" and Identity's check, a parallel writer may have taken it: that is a conflict, not bad input.
    public static bool AddressTaken(this IdentityResult result) =>
        result.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName));
}
