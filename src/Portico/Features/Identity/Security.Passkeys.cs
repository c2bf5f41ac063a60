namespace Portico.Features.Identity;

/// Passkeys: add, rename, remove.
public sealed partial class SecurityModel
{
    /// What was typed into the passkey name field, shown again when adding failed.
    public string? PasskeyName { get; private set; }
    public string? PasskeyError { get; private set; }

    /// The JSON the page's script hands to navigator.credentials.create.
    public async Task<IActionResult> OnPostPasskeyOptionsAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        return Content(await passkeys.CreationOptionsAsync(user), "application/json");
    }

    public async Task<IActionResult> OnPostAddPasskeyAsync(string? name, string? credentialJson, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        var change = await passkeys.AddAsync(user, name, credentialJson, cancellationToken);
        if (change.Succeeded)
        {
            return Redirect("/account/security?done=passkey-added");
        }
        // Shown next to the passkey form, with what was typed, rather than above the page.
        PasskeyName = name;
        PasskeyError = change.Message;
        await LoadAsync(user, setup: false);
        return Page();
    }

    public async Task<IActionResult> OnPostRenamePasskeyAsync(string? id, string? name, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        return await AfterPasskeyChangeAsync(user, await passkeys.RenameAsync(user, id, name, cancellationToken), "passkey-renamed");
    }

    public async Task<IActionResult> OnPostRemovePasskeyAsync(string? id, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        var change = await passkeys.RemoveAsync(user, id, cancellationToken);
        if (change.Succeeded)
        {
            // Removing a passkey may rotate the security stamp; keep this browser signed in.
            await signIn.RefreshSignInAsync(user);
        }
        return await AfterPasskeyChangeAsync(user, change, "passkey-removed");
    }

    private Task<IActionResult> AfterPasskeyChangeAsync(PorticoUser user, Outcome change, string done) =>
        ShowAsync(change, user, setup: false, () => Redirect("/account/security?done=" + done));
}
