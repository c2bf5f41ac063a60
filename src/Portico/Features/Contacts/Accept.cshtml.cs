namespace Portico.Features.Contacts;

public sealed class NewPersonForm
{
    [Required(ErrorMessage = "Enter your name."), StringLength(200)]
    public string Name { get; set; } = "";

    [Required(ErrorMessage = "Choose a password."), StringLength(256, MinimumLength = 12, ErrorMessage = "Use at least 12 characters.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [Compare(nameof(Password), ErrorMessage = "The passwords do not match.")]
    [DataType(DataType.Password)]
    public string ConfirmPassword { get; set; } = "";
}

/// Where an invitation link lands. New people choose a name and password; existing people
/// sign in first; someone signed in with another email is refused.
[AllowAnonymous]
[EnableRateLimiting(LoginLimits.Policy)]
public sealed class AcceptModel(PorticoDb db, UserManager<PorticoUser> users, SignInManager<PorticoUser> signIn, AuditLog audit, TimeProvider clock,
    IStringLocalizer<AcceptModel> text) : PageModel
{
    public Invitation? Invitation { get; private set; }
    public string AccountName { get; private set; } = "";
    public string RoleName { get; private set; } = "";
    public bool RequireMfa { get; private set; }
    public string? Problem { get; private set; }
    public bool HasAccount { get; private set; }
    public bool SignedInAsSomeoneElse { get; private set; }

    [BindProperty] public NewPersonForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        await LoadAsync(token, ct);
        if (Problem is not null)
        {
            Response.StatusCode = StatusCodes.Status410Gone;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAcceptAsync(string token, CancellationToken ct)
    {
        await LoadAsync(token, ct);
        if (Problem is not null || Invitation is null)
        {
            Response.StatusCode = StatusCodes.Status410Gone;
            return Page();
        }
        if (User.UserId() is not { } userId || SignedInAsSomeoneElse)
        {
            return Page();
        }
        return await JoinAsync(userId, ct);
    }

    public async Task<IActionResult> OnPostRegisterAsync(string token, CancellationToken ct)
    {
        await LoadAsync(token, ct);
        if (Problem is not null || Invitation is null)
        {
            Response.StatusCode = StatusCodes.Status410Gone;
            return Page();
        }
        if (HasAccount)
        {
            // Someone with this email exists, perhaps created a moment ago by the same link in another browser:
            // registering again would be a second person, so the page asks them to sign in.
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        if (User.Identity?.IsAuthenticated == true)
        {
            return Page();
        }
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var user = new PorticoUser
        {
            UserName = Invitation.Email, Email = Invitation.Email, DisplayName = Form.Name.Trim(), CreatedAt = clock.GetUtcNow().UtcDateTime,
            // They proved the address by following the link sent to it.
            EmailConfirmed = true,
        };
        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user, Form.Password);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            created = IdentityResult.Failed(users.ErrorDescriber.DuplicateUserName(Invitation.Email));
        }
        if (created.AddressTaken())
        {
            // The same link used in another browser at the same moment created the person first.
            Problem = text["This invitation was already used. Sign in instead."];
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        if (!created.Succeeded)
        {
            foreach (var e in created.Errors)
            {
                ModelState.AddModelError("Form.Password", e.Description);
            }
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var result = await JoinAsync(user.Id, ct);
        await signIn.SignInAsync(user, isPersistent: false);
        return result;
    }

    private async Task<IActionResult> JoinAsync(Guid userId, CancellationToken ct)
    {
        var invitation = await db.Invitations.AcrossAccounts().SingleAsync(i => i.Id == Invitation!.Id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (invitation.Unusable(now) is { } problem)
        {
            Problem = text[problem];
            Response.StatusCode = StatusCodes.Status410Gone;
            return Page();
        }
        invitation.Accept(now);
        var existing = await db.Memberships.AcrossAccounts().SingleOrDefaultAsync(m => m.AccountId == invitation.AccountId && m.UserId == userId, ct);
        if (existing is null)
        {
            db.Memberships.Add(new Membership(invitation.AccountId, userId, invitation.RoleId, now, invitation.AccessUntil));
        }
        else
        {
            // An expired membership comes back with the invited role.
            existing.ChangeRole(invitation.RoleId);
            existing.SetExpiry(invitation.AccessUntil);
        }
        audit.Record(AuditActions.InvitationAccepted, invitation.AccountId, "Invitation", invitation.Id.ToString(), new { invitation.Email, role = RoleName },
            actorUserId: userId, actorName: invitation.Email);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Accepted (or withdrawn) in another browser at the same moment; the invitation is used once.
            db.ChangeTracker.Clear();
            Problem = text["This invitation was already used. Sign in instead."];
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        return Redirect($"/a/{invitation.AccountId}");
    }

    private async Task LoadAsync(string token, CancellationToken ct)
    {
        var hash = Contacts.Invitation.Hash(token ?? "");
        Invitation = await db.Invitations.AcrossAccounts().AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (Invitation is null)
        {
            Problem = text["This invitation link is not valid. Check that you copied all of it, or ask for a new one."];
            audit.Record(AuditActions.InvitationRefused, details: new { reason = "unknown" });
            await db.SaveChangesAsync(ct);
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        // The entity says why in English; its sentences are this page's keys.
        Problem = Invitation.Unusable(now) is { } unusable ? text[unusable].Value : null;
        if (Problem is not null)
        {
            // A used or expired link that comes back may be a forwarded email or a leak; staff see it in the log.
            var reason = Invitation.AcceptedAt is not null ? "used" : Invitation.RevokedAt is not null ? "revoked" : "expired";
            audit.Record(AuditActions.InvitationRefused, Invitation.AccountId, "Invitation", Invitation.Id.ToString(), new { reason });
            await db.SaveChangesAsync(ct);
        }
        var account = await db.Accounts.Where(a => a.Id == Invitation.AccountId).Select(a => new { a.Name, a.RequireMfa }).SingleAsync(ct);
        AccountName = account.Name;
        RequireMfa = account.RequireMfa;
        RoleName = await db.Roles.Where(r => r.Id == Invitation.RoleId).Select(r => r.Name).SingleAsync(ct);
        HasAccount = await users.FindByEmailAsync(Invitation.Email) is not null;
        if (User.Identity?.IsAuthenticated == true && !string.Equals(User.Identity.Name, Invitation.Email, StringComparison.OrdinalIgnoreCase))
        {
            SignedInAsSomeoneElse = true;
            audit.Record(AuditActions.InvitationRefused, Invitation.AccountId, "Invitation", Invitation.Id.ToString(), new { reason = "signed_in_as_another_email" });
            await db.SaveChangesAsync(ct);
        }
    }
}
