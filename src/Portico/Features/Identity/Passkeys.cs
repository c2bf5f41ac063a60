using System.Buffers.Text;

namespace Portico.Features.Identity;

public sealed record PasskeyRow(string Id, string Name, DateTimeOffset CreatedAt);

/// A person's own passkeys, through Identity's passkey support: the server makes the options, the
/// browser's authenticator answers, Identity verifies the answer and stores the public key.
public sealed class ManagePasskeys(PorticoDb db, UserManager<PorticoUser> users, SignInManager<PorticoUser> signIn, AuditLog audit, EmailOutbox email,
    IdentityEmails emails, IStringLocalizer<ManagePasskeys> text)
{
    public const int MaxNameLength = 100;
    public const int MaxPasskeys = 20;

    /// Far above what any authenticator sends; keeps a hostile post from reaching the JSON parser.
    public const int MaxCredentialJsonLength = 64 * 1024;

    public async Task<IReadOnlyList<PasskeyRow>> ListAsync(PorticoUser user) =>
        (await users.GetPasskeysAsync(user)).OrderBy(p => p.CreatedAt)
            .Select(p => new PasskeyRow(Base64Url.EncodeToString(p.CredentialId), string.IsNullOrEmpty(p.Name) ? "Passkey" : p.Name, p.CreatedAt))
            .ToList();

    /// Options for navigator.credentials.create; Identity keeps the challenge in a short-lived cookie.
    public Task<string> CreationOptionsAsync(PorticoUser user) =>
        signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity { Id = user.Id.ToString(), Name = user.Email!, DisplayName = user.DisplayName });

    public async Task<Outcome> AddAsync(PorticoUser user, string? name, string? credentialJson, CancellationToken cancellationToken)
    {
        if (ValidateName(name) is { } nameError)
        {
            return Outcome.Refused(nameError);
        }
        if (!IsJsonObject(credentialJson))
        {
            return Outcome.Refused(text["The browser sent no usable passkey. Try again and let the browser create the passkey when it asks."]);
        }
        if ((await users.GetPasskeysAsync(user)).Count >= MaxPasskeys)
        {
            return Outcome.Refused(text["You have {0} passkeys, the most an account may have. Remove one you no longer use first.", MaxPasskeys]);
        }

        PasskeyAttestationResult result;
        try
        {
            result = await signIn.PerformPasskeyAttestationAsync(credentialJson!);
        }
        catch (InvalidOperationException)
        {
            // Identity throws when no creation was started in this browser (or it expired).
            return await RefuseAsync(user, "no_ceremony", text["Adding the passkey took too long or was started elsewhere. Try again."], cancellationToken);
        }
        if (!result.Succeeded)
        {
            return await RefuseAsync(user, "not_verified", text["The passkey could not be verified. Try again, or use another device."], cancellationToken);
        }
        if (result.UserEntity.Id != user.Id.ToString())
        {
            return await RefuseAsync(user, "other_user", text["The passkey could not be verified. Try again, or use another device."], cancellationToken);
        }

        result.Passkey.Name = name!.Trim();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await users.AddOrUpdatePasskeyAsync(user, result.Passkey);
        if (!stored.Succeeded)
        {
            return Outcome.Refused(text["The passkey could not be saved. Try again."]);
        }
        audit.Record(AuditActions.PasskeyAdded, targetType: "User", targetId: user.Id.ToString(),
            details: new { name = result.Passkey.Name, credential = Fingerprint(result.Passkey.CredentialId) });
        // Someone with a stolen session could add their own passkey; the owner hears of it at once.
        email.Queue(user.Email!, user.Language, () => (emails["A passkey was added to your account"], [
            emails["Hello {0},", user.DisplayName],
            emails["A passkey named \"{0}\" was added to your account. It can now be used to sign in.", result.Passkey.Name]
                + "\n" + emails["If this was not you, remove it on your Security page, change your password and tell your administrator."]]));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Outcome.Done;
    }

    public async Task<Outcome> RenameAsync(PorticoUser user, string? id, string? name, CancellationToken cancellationToken)
    {
        // Only the person's own passkeys are looked up, so another person's id is simply not found.
        if (CredentialIdFrom(id) is not { } credentialId || await users.GetPasskeyAsync(user, credentialId) is not { } passkey)
        {
            return Outcome.NotFound;
        }
        if (ValidateName(name) is { } nameError)
        {
            return Outcome.Refused(nameError);
        }
        var before = passkey.Name;
        passkey.Name = name!.Trim();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await users.AddOrUpdatePasskeyAsync(user, passkey);
        if (!stored.Succeeded)
        {
            return Outcome.Refused(text["The passkey could not be saved. Try again."]);
        }
        audit.Record(AuditActions.PasskeyRenamed, targetType: "User", targetId: user.Id.ToString(),
            details: new { from = before, to = passkey.Name, credential = Fingerprint(credentialId) });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Outcome.Done;
    }

    public async Task<Outcome> RemoveAsync(PorticoUser user, string? id, CancellationToken cancellationToken)
    {
        if (CredentialIdFrom(id) is not { } credentialId || await users.GetPasskeyAsync(user, credentialId) is not { } passkey)
        {
            return Outcome.NotFound;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await users.RemovePasskeyAsync(user, credentialId);
        if (!removed.Succeeded)
        {
            return Outcome.Refused(text["The passkey could not be removed. Try again."]);
        }
        audit.Record(AuditActions.PasskeyRemoved, targetType: "User", targetId: user.Id.ToString(),
            details: new { name = passkey.Name, credential = Fingerprint(credentialId) });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Outcome.Done;
    }

    private async Task<Outcome> RefuseAsync(PorticoUser user, string reason, string message, CancellationToken cancellationToken)
    {
        audit.Record(AuditActions.PasskeyRefused, targetType: "User", targetId: user.Id.ToString(), details: new { purpose = "add", reason });
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Refused(message);
    }

    private string? ValidateName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return text["Give the passkey a name, such as the device or password manager it is kept in."];
        }
        return trimmed.Length > MaxNameLength ? text["Passkey names are at most {0} characters.", MaxNameLength].Value : null;
    }

    internal static bool IsJsonObject(string? json)
    {
        if (string.IsNullOrWhiteSpace(json) || json.Length > MaxCredentialJsonLength)
        {
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// The credential id a browser's answer names, read before Identity verifies it (for the audit trail only).
    internal static byte[]? CredentialIdOf(string? credentialJson)
    {
        if (!IsJsonObject(credentialJson))
        {
            return null;
        }
        using var document = JsonDocument.Parse(credentialJson!);
        return document.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? CredentialIdFrom(id.GetString()) : null;
    }

    internal static byte[]? CredentialIdFrom(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 1400 && Base64Url.IsValid(id) ? Base64Url.DecodeFromChars(id) : null;

    /// Enough of the credential id to tell passkeys apart in the audit trail.
    internal static string Fingerprint(byte[] credentialId) => Base64Url.EncodeToString(credentialId)[..Math.Min(12, Base64Url.GetEncodedLength(credentialId.Length))];
}

/// Sign-in with a passkey as an alternative to the password. A passkey is something the person has,
/// unlocked by something they are or know (user verification is required), so it does not ask for an
/// authenticator code after, and the session counts as two-factor for the staff and account rules.
public sealed class SignInWithPasskey(PorticoDb db, UserManager<PorticoUser> users, PorticoSignInManager signIn, AuditLog audit,
    SingleSignOn.SingleSignOnDirectory directory)
{
    /// Options for navigator.credentials.get with no user named: the authenticator offers the person's
    /// passkeys for this site, so nobody learns which emails have accounts.
    public Task<string> RequestOptionsAsync() => signIn.MakePasskeyRequestOptionsAsync(null);

    public async Task<SignInOutcome> RunAsync(string? credentialJson, CancellationToken cancellationToken)
    {
        var credentialId = ManagePasskeys.CredentialIdOf(credentialJson);
        var owner = credentialId is null ? null : await users.FindByPasskeyIdAsync(credentialId);
        if (owner is null)
        {
            audit.Record(AuditActions.LoginFailed, details: new { method = "passkey", reason = credentialId is null ? "unreadable" : "unknown_passkey" }, actorName: null);
            await db.SaveChangesAsync(cancellationToken);
            return SignInOutcome.Failed;
        }
        if (await directory.RequiredForAsync(owner.Email, cancellationToken) is { } provider)
        {
            SignInWithPassword.RecordSingleSignOnRequired(audit, provider, "passkey", owner.Id.ToString());
            await db.SaveChangesAsync(cancellationToken);
            return SignInOutcome.SingleSignOnRequired;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        SignInResult result;
        try
        {
            result = await signIn.MarkedPasskeySignInAsync(credentialJson!);
        }
        catch (InvalidOperationException)
        {
            // No passkey request was started in this browser, or it expired.
            result = SignInResult.Failed;
        }
        SignInOutcome outcome;
        if (result.Succeeded)
        {
            audit.Record(AuditActions.PasskeyUsed, targetType: "User", targetId: owner.Id.ToString(), actorUserId: owner.Id, actorName: owner.Email,
                details: new { credential = ManagePasskeys.Fingerprint(credentialId!) });
            audit.Record(AuditActions.LoginSucceeded, targetType: "User", targetId: owner.Id.ToString(), actorUserId: owner.Id, actorName: owner.Email,
                details: new { method = "passkey" });
            outcome = SignInOutcome.SignedIn;
        }
        else
        {
            audit.Record(AuditActions.LoginFailed, targetType: "User", targetId: owner.Id.ToString(), actorUserId: owner.Id, actorName: owner.Email,
                details: new { method = "passkey", reason = result.IsLockedOut ? "locked_out" : result.IsNotAllowed ? "not_allowed" : "not_verified" });
            outcome = result.IsLockedOut ? SignInOutcome.LockedOut : SignInOutcome.Failed;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }
}
