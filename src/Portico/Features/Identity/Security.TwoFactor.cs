namespace Portico.Features.Identity;

/// Two-factor sign-in with an authenticator app: set up, turn on, new recovery codes, turn off.
public sealed partial class SecurityModel
{
    [BindProperty]
    public string? Code { get; set; }

    /// Shown once, right after they are made; the page never shows them again.
    public IReadOnlyList<string> NewRecoveryCodes { get; private set; } = [];

    public Task<IActionResult> OnPostSetupAsync() => AsSignedInAsync(twoFactorOn: false, async user =>
    {
        await twoFactor.StartSetupAsync(user);
        // The reset changes the security stamp; renew this session's cookie so it stays valid.
        await signIn.RefreshSignInAsync(user);
        return Redirect("/account/security?setup=true");
    });

    public Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken) => AsSignedInAsync(twoFactorOn: false, async user =>
    {
        var outcome = await twoFactor.EnableAsync(user, Code, cancellationToken);
        if (outcome.Value is { } codes)
        {
            await signIn.RefreshSignInAsync(user);
            NewRecoveryCodes = codes.Codes;
            Notice = text["Two-factor sign-in is on. From now on, signing in takes your password and a code from your app."].Value;
            await LoadAsync(user, setup: false);
        }
        return await ShowAsync(outcome.Status, user, setup: true, Page);
    });

    public Task<IActionResult> OnPostRecoveryCodesAsync(CancellationToken cancellationToken) => AsSignedInAsync(twoFactorOn: true, async user =>
    {
        var outcome = await twoFactor.NewRecoveryCodesAsync(user, Code, cancellationToken);
        if (outcome.Value is { } codes)
        {
            NewRecoveryCodes = codes.Codes;
            Notice = text["New recovery codes are ready. The old ones no longer work."].Value;
            await LoadAsync(user, setup: false);
        }
        return await ShowAsync(outcome.Status, user, setup: false, Page);
    });

    public Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken) => AsSignedInAsync(twoFactorOn: true, async user =>
    {
        var outcome = await twoFactor.DisableAsync(user, Code, cancellationToken);
        if (outcome.Succeeded)
        {
            await signIn.RefreshSignInAsync(user);
        }
        return await ShowAsync(outcome, user, setup: false, () => Redirect("/account/security?done=off"));
    });

    /// Each button is shown for one state of two-factor sign-in; a post from a stale page (another tab changed it) shows the page afresh.
    private async Task<IActionResult> AsSignedInAsync(bool twoFactorOn, Func<PorticoUser, Task<IActionResult>> act) =>
        await users.GetUserAsync(User) is not { } user ? Challenge()
        : user.TwoFactorEnabled != twoFactorOn ? Redirect("/account/security")
        : await act(user);
}
