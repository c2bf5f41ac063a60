namespace Portico.Features.Identity;

[AllowAnonymous]
[SignedOutOnly]
[EnableRateLimiting(LoginLimits.Policy)]
public sealed class ForgotPasswordModel(ResetForgottenPassword reset) : PageModel
{
    [BindProperty, Required(ErrorMessage = "Enter your email address."), EmailAddress(ErrorMessage = "Enter a valid email address."), StringLength(256)]
    public string Email { get; set; } = "";

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        await reset.RequestAsync(Email.Trim(), ct);
        Sent = true;
        return Page();
    }
}
