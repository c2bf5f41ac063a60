namespace Portico.Features.Identity;

/// Recovery codes, shown once right after they are made.
public sealed record RecoveryCodes(IReadOnlyList<string> Codes);

/// Who asks this person to keep two-factor sign-in on: the portal (staff) and accounts whose staff Admin asked for it.
public sealed record TwoFactorRequirement(bool ForStaff, IReadOnlyList<string> Accounts)
{
    public bool Required => ForStaff || Accounts.Count > 0;
}

/// A person's own authenticator app: set it up, make new recovery codes, or turn it off. Changing anything once it is
/// on takes a current code, so a session left open on a shared computer cannot quietly weaken the account.
public sealed class ManageTwoFactor(UserManager<PorticoUser> users, PorticoDb db, AuditLog audit, EmailOutbox email,
    IOptions<SecurityOptions> security, TimeProvider clock, IdentityEmails emails, IStringLocalizer<ManageTwoFactor> text)
{
    public const int RecoveryCodeCount = 10;

    public async Task<TwoFactorRequirement> RequirementAsync(PorticoUser user, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var accounts = await db.Memberships.AcrossAccounts().AsNoTracking()
            .Where(m => m.UserId == user.Id && m.Account.RequireMfa && (m.ExpiresAt == null || m.ExpiresAt > now))
            .OrderBy(m => m.Account.Name).Select(m => m.Account.Name).ToListAsync(ct);
        return new TwoFactorRequirement(security.Value.RequiresMfa(user), accounts);
    }

    /// A fresh key each time: a key shown earlier may have been seen by someone else.
    public Task StartSetupAsync(PorticoUser user) => users.ResetAuthenticatorKeyAsync(user);

    public async Task<Outcome<RecoveryCodes>> EnableAsync(PorticoUser user, string? code, CancellationToken ct)
    {
        // Mistakes while setting up are common and prove nothing about an intruder, so they do not lock anyone out.
        if (await CheckCodeAsync(user, code, "enable", countTowardsLockout: false, ct) is { } wrong)
        {
            return wrong;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = await NewCodesAsync(user);
        audit.Record(AuditActions.TwoFactorEnabled, targetType: "User", targetId: user.Id.ToString());
        audit.Record(AuditActions.RecoveryCodesGenerated, targetType: "User", targetId: user.Id.ToString(), details: new { count = codes.Codes.Count });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return codes;
    }

    public async Task<Outcome<RecoveryCodes>> NewRecoveryCodesAsync(PorticoUser user, string? code, CancellationToken ct)
    {
        if (await CheckCodeAsync(user, code, "recovery_codes", countTowardsLockout: true, ct) is { } wrong)
        {
            return wrong;
        }
        var codes = await NewCodesAsync(user);
        audit.Record(AuditActions.RecoveryCodesGenerated, targetType: "User", targetId: user.Id.ToString(), details: new { count = codes.Codes.Count });
        await db.SaveChangesAsync(ct);
        return codes;
    }

    public async Task<Outcome> DisableAsync(PorticoUser user, string? code, CancellationToken ct)
    {
        var requirement = await RequirementAsync(user, ct);
        if (requirement.Required)
        {
            return Outcome.Refused(requirement.ForStaff ? text["Staff must use two-factor sign-in on this portal, so it cannot be turned off."]
                : requirement.Accounts.Count == 1 ? text["{0} requires two-factor sign-in, so it cannot be turned off.", requirement.Accounts[0]]
                : text["{0} require two-factor sign-in, so it cannot be turned off.", string.Join(", ", requirement.Accounts)]);
        }
        if (await CheckCodeAsync(user, code, "disable", countTowardsLockout: true, ct) is { } wrong)
        {
            return wrong;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await users.SetTwoFactorEnabledAsync(user, false);
        audit.Record(AuditActions.TwoFactorDisabled, targetType: "User", targetId: user.Id.ToString());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome.Done;
    }

    private async Task<RecoveryCodes> NewCodesAsync(PorticoUser user) =>
        new([.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []]);

    /// A wrong code is audited; where the code guards a change to an account that already has
    /// two-factor on, it also counts towards lockout, which bounds guessing from a hijacked session.
    private async Task<Outcome?> CheckCodeAsync(PorticoUser user, string? typed, string purpose, bool countTowardsLockout, CancellationToken ct)
    {
        if (countTowardsLockout && await users.IsLockedOutAsync(user))
        {
            audit.Record(AuditActions.TwoFactorFailed, targetType: "User", targetId: user.Id.ToString(), details: new { purpose, reason = "locked_out" });
            await db.SaveChangesAsync(ct);
            return Outcome.Refused(text["Too many wrong codes. Try again later."]);
        }
        var code = SignInWithSecondFactor.NormaliseCode(typed ?? "");
        if (await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            if (countTowardsLockout)
            {
                await users.ResetAccessFailedCountAsync(user);
            }
            return null;
        }
        audit.Record(AuditActions.TwoFactorFailed, targetType: "User", targetId: user.Id.ToString(), details: new { purpose, reason = "wrong_code" });
        if (countTowardsLockout)
        {
            await users.AccessFailedAsync(user);
            if (await users.IsLockedOutAsync(user))
            {
                SignInWithPassword.RecordLockout(audit, email, emails, user);
            }
        }
        await db.SaveChangesAsync(ct);
        return Outcome.Refused(text["That code is not right. Enter the code your app shows now; each code works once."]);
    }
}
