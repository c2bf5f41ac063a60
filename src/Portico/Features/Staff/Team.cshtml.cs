namespace Portico.Features.Staff;

/// The staff team: who works the console, with which role, and how their sign-in stands.
[Authorize(Policy = Policies.StaffAdmin)]
public sealed class TeamModel(StaffTeam team, IStringLocalizer<TeamModel> text) : PageModel
{
    public IReadOnlyList<StaffMemberRow> Members { get; private set; } = [];
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }
    public Guid Me => User.UserId() ?? Guid.Empty;

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Notice = done;
        Members = await team.ListAsync(ct);
    }

    public async Task<IActionResult> OnPostAddAsync(string? email, string? name, string? role, CancellationToken ct) =>
        await (await team.AddAsync(email, name, Enum.TryParse<StaffRole>(role, ignoreCase: false, out var parsed) && !char.IsDigit(role![0]) ? parsed : null, ct))
            .ToPageResultAsync(this,
            added => Done(text["{0} added as {1}; they were emailed a link to choose a password.", added.DisplayName, added.StaffRole?.ToString() ?? ""]), () => ReloadAsync(ct));

    /// An empty role takes staff access away; anything but a role's name is refused rather than read as empty.
    public async Task<IActionResult> OnPostRoleAsync(Guid userId, string? role, CancellationToken ct) =>
        await (string.IsNullOrEmpty(role) ? await team.ChangeRoleAsync(userId, null, Me, ct)
            : Enum.TryParse<StaffRole>(role, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(role[0])
                ? await team.ChangeRoleAsync(userId, parsed, Me, ct)
                : Outcome.Refused(text["Choose Agent, Finance, Admin or no staff access."])).ToPageResultAsync(this,
            member => Done(member.StaffRole is { } now ? text["{0} is now {1}; they sign in again to use it.", member.DisplayName, now.ToString()]
                : text["{0} no longer has staff access.", member.DisplayName]), () => ReloadAsync(ct));

    private RedirectResult Done(string notice) => Redirect($"/staff/team?done={Uri.EscapeDataString(notice)}");

    private async Task<bool> ReloadAsync(CancellationToken ct)
    {
        Members = await team.ListAsync(ct);
        return true;
    }
}
