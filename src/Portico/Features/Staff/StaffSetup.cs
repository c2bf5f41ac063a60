using System.Net.Mail;

namespace Portico.Features.Staff;

/// What a setup link is for, once it has been checked.
public enum SetupLinkKind
{
    FirstAdmin,
    SetPassword,
}

/// Why a setup link opens nothing, and the status the page answers with.
public sealed record SetupRefusal(int Status, string Reason, string Message);

public sealed record SetupLinkState(SetupLinkKind Kind, string? Email, SetupRefusal? Refusal);

/// Success carries the Admin to sign in; otherwise a refusal of the link or errors in the form (the link stays good).
public sealed record SetupOutcome(PorticoUser? Admin, SetupRefusal? Refusal, IReadOnlyList<PasswordError> Errors);

/// How staff Admins come to exist without another Admin to invite them: the first one through the link printed at
/// start-up, further ones (and a first one, for scripted installs) through the `admin create` command.
public sealed class StaffSetup(PorticoDb db, UserManager<PorticoUser> users, AuditLog audit, EmailOutbox mail, IOptions<BrandingOptions> branding, Branding.Brands brands,
    TimeProvider clock, IStringLocalizer<StaffSetup> text)
{
    public const string NameField = "Admin.Name";
    public const string EmailField = "Admin.Email";
    public const string PasswordField = "Password";

    private static readonly SetupRefusal Unknown = new(StatusCodes.Status404NotFound, "unknown",
        "This setup link is not valid. Check that you copied all of it.");
    private static readonly SetupRefusal Used = new(StatusCodes.Status410Gone, "used",
        "This setup link was already used. Sign in instead.");
    private static readonly SetupRefusal AdminExists = new(StatusCodes.Status410Gone, "admin_exists",
        "This portal already has a staff Admin, so this link creates no other. Sign in, or ask an Admin.");

    private static SetupRefusal Expired(SetupLinkKind kind) => new(StatusCodes.Status410Gone, "expired", kind == SetupLinkKind.FirstAdmin
        ? "This setup link has expired. Restart Portico to print a new one, or create the Admin with the admin create command."
        : "This link has expired. Sign in with an email link from the sign-in page, or ask a staff Admin to add you again.");

    public Task<bool> AdminExistsAsync(CancellationToken ct) => db.Users.AnyAsync(u => u.StaffRole == StaffRole.Admin, ct);

    /// Start-up on a database without a staff Admin: a fresh first-Admin link, returned to be printed. Links printed by
    /// earlier starts stop working, so only the link in the latest start's output opens. Null when an Admin exists.
    public async Task<string?> IssueFirstAdminLinkAsync(CancellationToken ct)
    {
        await db.SetupLinks.Where(l => l.UserId == null && l.UsedAt == null).ExecuteDeleteAsync(ct);
        if (await AdminExistsAsync(ct))
        {
            return null;
        }
        var (link, token) = SetupLink.ForFirstAdmin(clock.GetUtcNow().UtcDateTime);
        db.SetupLinks.Add(link);
        audit.Record(AuditActions.SetupLinkIssued, targetType: "SetupLink", targetId: link.Id.ToString(), details: new { purpose = "first_admin", expiresAt = link.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return branding.Value.Link(SetupLink.Path(token));
    }

    /// What the link at hand opens; a refusal is audited, as a link that comes back may have leaked.
    public async Task<SetupLinkState> CheckAsync(string? token, CancellationToken ct)
    {
        var link = await FindAsync(token, ct);
        var kind = link?.UserId is null ? SetupLinkKind.FirstAdmin : SetupLinkKind.SetPassword;
        var refusal = link is null ? Unknown : await RefusalAsync(link, ct);
        if (refusal is not null)
        {
            await RecordRefusalAsync(link, refusal, ct);
            return new SetupLinkState(kind, null, refusal);
        }
        var email = link!.UserId is { } userId ? await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleAsync(ct) : null;
        return new SetupLinkState(kind, email, null);
    }

    /// Creates the first staff Admin with the link, once. The link is spent by an UPDATE that only one of two
    /// simultaneous posts can win, and the Admin check is made again inside that transaction.
    public async Task<SetupOutcome> CreateFirstAdminAsync(string? token, string name, string email, string password, CancellationToken ct)
    {
        var hash = LinkToken.Hash(token ?? "");
        var now = clock.GetUtcNow().UtcDateTime;
        PorticoUser admin;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var claimed = await db.SetupLinks.Where(l => l.TokenHash == hash && l.UserId == null && l.UsedAt == null && l.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), ct);
            var link = claimed == 0 ? await FindAsync(token, ct) : null;
            var refusal = claimed == 0 ? await RefusalAsync(link, ct) ?? Used
                : await AdminExistsAsync(ct) ? AdminExists
                : null;
            if (refusal is not null)
            {
                await transaction.RollbackAsync(ct);
                await RecordRefusalAsync(link ?? await FindAsync(token, ct), refusal, ct);
                return new SetupOutcome(null, refusal, []);
            }
            admin = NewAdmin(email, name, now);
            var created = await users.CreateAsync(admin, password);
            if (!created.Succeeded)
            {
                // Nothing is kept, the link included: the person corrects the form and sends it again.
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return new SetupOutcome(null, null, Errors(created));
            }
            audit.Record(AuditActions.StaffAdminCreated, targetType: "User", targetId: admin.Id.ToString(),
                details: new { email = admin.Email, via = "setup_link", first_admin = true }, actorUserId: admin.Id, actorName: admin.Email);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        return new SetupOutcome(admin, null, []);
    }

    /// The Admin made by the command chooses a password with their link, once.
    public async Task<SetupOutcome> SetPasswordAsync(string? token, string password, CancellationToken ct)
    {
        var hash = LinkToken.Hash(token ?? "");
        var now = clock.GetUtcNow().UtcDateTime;
        PorticoUser? admin;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var claimed = await db.SetupLinks.Where(l => l.TokenHash == hash && l.UserId != null && l.UsedAt == null && l.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), ct);
            var link = await FindAsync(token, ct);
            admin = claimed == 1 && link?.UserId is { } userId ? await users.FindByIdAsync(userId.ToString()) : null;
            var refusal = claimed == 0 || admin is null ? await RefusalAsync(link, ct) ?? Used
                : await users.HasPasswordAsync(admin) ? Used
                : null;
            if (refusal is not null)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                await RecordRefusalAsync(link, refusal, ct);
                return new SetupOutcome(null, refusal, []);
            }
            var result = await users.AddPasswordAsync(admin!, password);
            if (!result.Succeeded)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return new SetupOutcome(null, null, Errors(result));
            }
            audit.Record(AuditActions.PasswordChanged, targetType: "User", targetId: admin!.Id.ToString(),
                details: new { first_password = true, via = "setup_link" }, actorUserId: admin.Id, actorName: admin.Email);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        return new SetupOutcome(admin, null, []);
    }

    /// For operators with a shell: a staff Admin without a password and the link that sets it. Adds further
    /// Admins too; an address that already belongs to someone is refused.
    public Task<(PorticoUser? Admin, string? Link, string? Problem)> CreateAdminAsync(string? email, string? name, CancellationToken ct) =>
        CreateStaffAsync(email, name, StaffRole.Admin, "command", ct);

    /// A staff member without a password and the single-use link that sets it, for the command and for Admins adding
    /// their team from the console. Nothing is created when the address is taken, by staff or by a customer.
    public async Task<(PorticoUser? Member, string? Link, string? Problem)> CreateStaffAsync(string? email, string? name, StaffRole role, string via,
        CancellationToken ct)
    {
        var clean = email?.Trim() ?? "";
        if (clean.Length is 0 or > 256 || !MailAddress.TryCreate(clean, out var parsed) || parsed.Address != clean)
        {
            return (null, null, via == "command" ? "Give the new Admin's email address, such as --email ana@example.com."
                : text["Enter the new staff member's email address, such as ana@example.com."].Value);
        }
        var displayName = string.IsNullOrWhiteSpace(name) ? clean : name.Trim();
        if (displayName.Length > 200)
        {
            return (null, null, text["The name is too long (at most {0} characters).", 200].Value);
        }
        if (await users.FindByEmailAsync(clean) is { } existing)
        {
            return (null, null, existing.StaffRole is { } taken
                ? text["{0} already belongs to a staff {1} ({2}). Nothing was created.", clean, taken.ToString(), existing.DisplayName].Value
                : text["{0} already belongs to a person ({1}). Nothing was created.", clean, existing.DisplayName].Value);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var member = NewStaff(clean, displayName, role, now);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var created = await users.CreateAsync(member);
        if (!created.Succeeded)
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return (null, null, text["{0} Nothing was created.", string.Join(" ", created.Errors.Select(e => e.Description))].Value);
        }
        var (link, token) = SetupLink.ForPassword(member.Id, now);
        db.SetupLinks.Add(link);
        var url = branding.Value.Link(SetupLink.Path(token));
        if (via == "command")
        {
            audit.Record(AuditActions.StaffAdminCreated, targetType: "User", targetId: member.Id.ToString(),
                details: new { email = clean, via, expiresAt = link.ExpiresAt }, actorName: "admin create command");
        }
        else
        {
            audit.Record(role == StaffRole.Admin ? AuditActions.StaffAdminCreated : AuditActions.StaffMemberAdded, targetType: "User",
                targetId: member.Id.ToString(), details: new { email = clean, role = role.ToString(), via, expiresAt = link.ExpiresAt });
            // Sent only if the staff member is saved: the email is queued in the same unit of work.
            // The new member has chosen no language yet: they read it in the language of the Admin who added them.
            var portal = (await brands.GetAsync(ct)).PortalName;
            var language = Languages.Normalize(CultureInfo.CurrentUICulture.Name);
            mail.Queue(clean, language, () => (text["You have been added to the staff of {0}", portal], [
                text["Hello {0},", displayName],
                text["You have been added to the staff of {0} as {1}.", portal, role]
                    + "\n" + text["Choose your password, once, within {0:0} hours, at:", SetupLink.SetPasswordLifetime.TotalHours] + "\n" + url,
                text["If you did not expect this, ignore this email."]]));
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (member, url, null);
    }

    private static PorticoUser NewAdmin(string email, string name, DateTime now) => NewStaff(email, name, StaffRole.Admin, now);

    private static PorticoUser NewStaff(string email, string name, StaffRole role, DateTime now) => new()
    {
        UserName = email, Email = email, DisplayName = name, StaffRole = role, CreatedAt = now,
    };

    private Task<SetupLink?> FindAsync(string? token, CancellationToken ct)
    {
        var hash = LinkToken.Hash(token ?? "");
        return db.SetupLinks.AsNoTracking().SingleOrDefaultAsync(l => l.TokenHash == hash, ct);
    }

    private async Task<SetupRefusal?> RefusalAsync(SetupLink? link, CancellationToken ct)
    {
        if (link is null)
        {
            return Unknown;
        }
        var kind = link.UserId is null ? SetupLinkKind.FirstAdmin : SetupLinkKind.SetPassword;
        return link.UsedAt is not null ? Used
            : clock.GetUtcNow().UtcDateTime >= link.ExpiresAt ? Expired(kind)
            : kind == SetupLinkKind.FirstAdmin && await AdminExistsAsync(ct) ? AdminExists
            : null;
    }

    private async Task RecordRefusalAsync(SetupLink? link, SetupRefusal refusal, CancellationToken ct)
    {
        audit.Record(AuditActions.SetupLinkRefused, targetType: link is null ? null : "SetupLink", targetId: link?.Id.ToString(),
            details: new { reason = refusal.Reason });
        await db.SaveChangesAsync(ct);
    }

    private static List<PasswordError> Errors(IdentityResult result) =>
        result.Errors.Select(e => new PasswordError(
            e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.InvalidEmail)
                or nameof(IdentityErrorDescriber.InvalidUserName) ? EmailField : PasswordField,
            e.Description)).ToList();
}
