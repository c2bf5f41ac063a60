namespace Portico.Features.Identity;

public sealed class AlreadySignedInModel : PageModel
{
    public string Email => User.Identity?.Name ?? "";

    public void OnGet()
    {
    }
}
