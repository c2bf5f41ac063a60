namespace Portico.Features.Identity;

/// Changing the password, or setting a first one.
public sealed partial class SecurityModel
{
    /// Bound only by the password handler (prefix "Password"), so other forms on the page are not validated against it.
    public PasswordForm Password { get; set; } = new();

    public async Task<IActionResult> OnPostPasswordAsync([Bind(Prefix = "Password")] PasswordForm form, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        // Passwords are never shown again on the page.
        Password = new PasswordForm();
        if (ModelState.IsValid)
        {
            var errors = await changePassword.RunAsync(user, form.CurrentPassword, form.NewPassword, cancellationToken);
            if (errors.Count == 0)
            {
                return Redirect("/account/security?done=password");
            }
            foreach (var error in errors)
            {
                ModelState.AddModelError(error.Field, error.Message);
            }
        }
        await LoadAsync(user, setup: false);
        return Page();
    }
}

public sealed class PasswordForm
{
    /// Not required here: people without a password (link or passkey sign-in) set a first one without it.
    [StringLength(256)]
    [DataType(DataType.Password)]
    [Display(Name = "Current password")]
    public string? CurrentPassword { get; set; }

    [Required(ErrorMessage = "Enter a new password.")]
    [StringLength(256, ErrorMessage = "Passwords are at most 256 characters.")]
    [DataType(DataType.Password)]
    [Display(Name = "New password")]
    public string NewPassword { get; set; } = "";

    [Required(ErrorMessage = "Type the new password again.")]
    [Compare(nameof(NewPassword), ErrorMessage = "The two new passwords are not the same.")]
    [DataType(DataType.Password)]
    [Display(Name = "New password again")]
    public string ConfirmPassword { get; set; } = "";
}
