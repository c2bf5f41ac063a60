namespace Portico.Features.SingleSignOn.Staff;

/// One provider's settings: "new" adds one. The client secret is never shown; a blank secret on a change keeps it.
[Authorize(Policy = Policies.StaffAdmin)]
public sealed class ProviderModel(PorticoDb db, SaveSingleSignOnProvider save, IOptions<BrandingOptions> branding, AuditLog audit, TimeProvider clock) : PageModel
{
    [BindProperty] public ProviderForm Form { get; set; } = new();
    public Guid? ProviderId { get; private set; }
    public IReadOnlyList<string> Roles { get; private set; } = [];
    public string? Error => ModelState.Refusal();
    public Dictionary<string, string> FieldErrors => ModelState.FieldRefusals();

    /// What staff register at the provider as the portal's redirect address.
    /// A SCIM token just generated: shown on this answer only, never stored.
    public string? ScimToken { get; private set; }
    public DateTime? ScimTokenCreatedAt { get; private set; }
    public string? ScimAddress => ProviderId is { } id ? branding.Value.Link($"/scim/v2/{id}") : null;

    public string? RedirectAddress => ProviderId is { } id ? branding.Value.Link(SingleSignOnSchemes.CallbackPath(id)) : null;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (!Load(id, out var providerId))
        {
            return NotFound();
        }
        if (providerId is { } existing)
        {
            var provider = await db.SingleSignOnProviders.AsNoTracking().Include(p => p.Domains).Include(p => p.Accounts).Include(p => p.GroupRoles)
                .AsSplitQuery().SingleOrDefaultAsync(p => p.Id == existing, ct);
            if (provider is null)
            {
                return NotFound();
            }
            var roleNames = await db.Roles.ToDictionaryAsync(r => r.Id, r => r.Name, ct);
            Form = new ProviderForm
            {
                Name = provider.Name, DiscoveryUrl = provider.DiscoveryUrl, ClientId = provider.ClientId, Scopes = provider.Scopes,
                Domains = string.Join(", ", provider.Domains.Select(d => d.Domain).Order(StringComparer.Ordinal)),
                Accounts = string.Join('\n', provider.Accounts.Select(a => a.AccountId)),
                DefaultRole = roleNames.GetValueOrDefault(provider.DefaultRoleId),
                GroupRoles = string.Join('\n', provider.GroupRoles.Select(g => $"{g.Group} = {roleNames.GetValueOrDefault(g.RoleId)}")),
                Required = provider.Required, Enabled = provider.Enabled,
            };
            ScimTokenCreatedAt = provider.ScimTokenCreatedAt;
        }
        await LoadRolesAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        if (!Load(id, out var providerId))
        {
            return NotFound();
        }
        return await (await save.RunAsync(providerId, Form, ct)).ToPageResultAsync(this,
            saved => Redirect($"/staff/sso?saved={Uri.EscapeDataString(saved.Name)}"), async () =>
            {
                await LoadRolesAsync(ct);
                return true;
            });
    }

    /// A new SCIM token replaces the one before, which stops working at once.
    public async Task<IActionResult> OnPostScimTokenAsync(string id, CancellationToken ct)
    {
        if (!Load(id, out var providerId) || providerId is not { } existing
            || await db.SingleSignOnProviders.SingleOrDefaultAsync(p => p.Id == existing, ct) is not { } provider)
        {
            return NotFound();
        }
        var replaced = provider.ScimTokenHash is not null;
        var token = provider.NewScimToken(clock.GetUtcNow().UtcDateTime);
        audit.Record(AuditActions.ScimTokenGenerated, targetType: "SingleSignOnProvider", targetId: provider.Id.ToString(), details: new { replaced });
        await db.SaveChangesAsync(ct);
        var page = await OnGetAsync(id, ct);
        ScimToken = token;
        return page;
    }

    private bool Load(string id, out Guid? providerId)
    {
        providerId = Guid.TryParse(id, out var parsed) ? parsed : null;
        ProviderId = providerId;
        return providerId is not null || id == "new";
    }

    private async Task LoadRolesAsync(CancellationToken ct) => Roles = await db.Roles.OrderBy(r => r.Name).Select(r => r.Name).ToListAsync(ct);
}
