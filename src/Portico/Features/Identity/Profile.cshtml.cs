namespace Portico.Features.Identity;

/// Every signed-in person, customer or staff, edits how the portal names them. The email is the
/// sign-in name; its form posts to /account/email, which confirms through a link to the new address.
public sealed class ProfileModel(UserManager<PorticoUser> users, ChangeProfile changeProfile, ChangeEmail changeEmail, IStringLocalizer<ProfileModel> text) : PageModel
{
    [BindProperty]
    public ProfileForm Form { get; set; } = new();

    public string Email { get; private set; } = "";
    public ThemeChoice Theme { get; private set; }
    /// The saved language ("en", "de") or null for the browser's.
    public string? Language { get; private set; }
    /// The saved zone, or the browser's guess of the form's script while none is saved.
    public string? TimeZone { get; private set; }
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
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var outcome = await changeProfile.ChangeDisplayNameAsync(user, Form.DisplayName, cancellationToken);
        if (outcome.Succeeded)
        {
            return Redirect("/account/profile?saved=true");
        }
        // A blank name shows next to its field, any other refusal above the form; the page keeps status 200.
        if (outcome.FieldErrors is { Count: > 0 } fieldErrors)
        {
            foreach (var (field, error) in fieldErrors)
            {
                ModelState.AddModelError($"{nameof(Form)}.{field}", error);
            }
        }
        else
        {
            ModelState.AddModelError(string.Empty, outcome.Message!);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostThemeAsync(string? theme)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        // Only the theme was posted: the name form's own checks do not apply here.
        ModelState.Clear();
        if (!Enum.TryParse<ThemeChoice>(theme, ignoreCase: true, out var choice) || !Enum.IsDefined(choice) || int.TryParse(theme, out _))
        {
            await LoadAsync(user);
            Form.DisplayName = user.DisplayName;
            ModelState.AddModelError(nameof(Theme), text["Choose System, Light or Dark."]);
            return Page();
        }
        var outcome = await changeProfile.ChangeThemeAsync(user, choice);
        if (!outcome.Succeeded)
        {
            await LoadAsync(user);
            Form.DisplayName = user.DisplayName;
            ModelState.AddModelError(nameof(Theme), outcome.Message!);
            return Page();
        }
        return Redirect("/account/profile?saved=true");
    }

    public async Task<IActionResult> OnPostLanguageAsync(string? language, string? timeZone)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        // Only language and zone were posted: the name form's own checks do not apply here.
        ModelState.Clear();
        var outcome = await changeProfile.ChangeLanguageAndTimeZoneAsync(user, language, timeZone);
        if (outcome.Succeeded)
        {
            return Redirect("/account/profile?saved=true");
        }
        await LoadAsync(user);
        Form.DisplayName = user.DisplayName;
        foreach (var (field, error) in outcome.FieldErrors ?? new Dictionary<string, string>())
        {
            ModelState.AddModelError(field, error);
        }
        // What was posted stays chosen, so the person sees what was refused.
        Language = language;
        TimeZone = timeZone;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task LoadAsync(PorticoUser user)
    {
        Email = user.Email ?? "";
        Theme = user.Theme;
        Language = user.Language;
        TimeZone = user.TimeZone;
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
