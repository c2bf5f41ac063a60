using Portico.Features.Audit;

namespace Portico.Features.Identity;

/// Every signed-in person, customer or staff, edits how the portal names them. The email is the
/// sign-in name; its form posts to /account/email, which confirms through a link to the new address.
public sealed class ProfileModel(UserManager<PorticoUser> users, SignInManager<PorticoUser> signIn, PorticoDb db, AuditLog audit, ChangeEmail changeEmail) : PageModel
{
    [BindProperty]
    public ProfileForm Form { get; set; } = new();

    public string Email { get; private set; } = "";
    public bool Saved { get; private set; }
    public bool EmailChanged { get; private set; }
    public ChangeEmailView EmailChangeForm { get; private set; } = new("", true, null);
    public TimeSpan LinkLifetime => changeEmail.LinkLifetime;

    /// Set by the change-email form after it sent a link.
    [TempData(Key = ChangeEmailModel.SentKey)]
    public string? EmailSentTo { get; set; }

    public async Task<IActionResult> OnGetAsync(bool saved, string? done)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        Saved = saved;
        EmailChanged = done == "email-changed";
        await LoadAsync(user);
        Form.DisplayName = user.DisplayName;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        await LoadAsync(user);
        var name = Form.DisplayName?.Trim() ?? "";
        if (ModelState.IsValid && name.Length == 0)
        {
            ModelState.AddModelError("Form.DisplayName", "Enter your name.");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        if (name != user.DisplayName)
        {
            var before = user.DisplayName;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            user.DisplayName = name;
            var result = await users.UpdateAsync(user);
            if (!result.Succeeded)
            {
                ModelState.AddModelError(string.Empty, string.Join(" ", result.Errors.Select(e => e.Description)));
                return Page();
            }
            audit.Record(AuditActions.ProfileUpdated, targetType: "User", targetId: user.Id.ToString(), details: new { display_name = new { from = before, to = name } });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            // The name shown in the header comes from the sign-in ticket.
            await signIn.RefreshSignInAsync(user);
        }
        return Redirect("/account/profile?saved=true");
    }

    private async Task LoadAsync(PorticoUser user)
    {
        Email = user.Email ?? "";
        EmailChangeForm = new(Email, await users.HasPasswordAsync(user), null);
    }
}

public sealed class ProfileForm
{
    [Required(ErrorMessage = "Enter your name.")]
    [StringLength(100, ErrorMessage = "Names are at most 100 characters.")]
    [Display(Name = "Name shown to others")]
    public string? DisplayName { get; set; }
}
