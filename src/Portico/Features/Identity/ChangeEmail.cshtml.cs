namespace Portico.Features.Identity;

public sealed record ChangeEmailView(string CurrentEmail, bool AskPassword, string? NewEmail);

/// Where the change-email form posts. A page of its own so the sign-in limit applies to this form
/// only (Razor Pages limit whole pages, not handlers): each post checks a password and sends email.
[EnableRateLimiting(LoginLimits.Policy)]
public sealed class ChangeEmailModel(UserManager<PorticoUser> users, ChangeEmail changeEmail) : PageModel
{
    /// Carries the address to the profile page, which says where the link went.
    public const string SentKey = "EmailChangeSentTo";

    public ChangeEmailView View { get; private set; } = new("", true, null);

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        View = new(user.Email ?? "", await users.HasPasswordAsync(user), null);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([Bind(Prefix = ChangeEmailForm.Prefix)] ChangeEmailForm form, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        // Passwords are never shown again on the page.
        View = new(user.Email ?? "", await users.HasPasswordAsync(user), form.NewEmail);
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var errors = await changeEmail.RequestAsync(user, form.NewEmail, form.CurrentPassword, cancellationToken);
        if (errors.Count == 0)
        {
            TempData[SentKey] = form.NewEmail!.Trim();
            return Redirect("/account/profile");
        }
        foreach (var error in errors)
        {
            ModelState.AddModelError(error.Field, error.Message);
        }
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }
}
