namespace Portico.Features.SingleSignOn.Staff;

public sealed record ProviderRow(Guid Id, string Name, string Domains, bool Enabled, bool Required, int Accounts);

/// The identity providers customers sign in with; staff Admins only.
[Authorize(Policy = Policies.StaffAdmin)]
public sealed class ProvidersModel(PorticoDb db, IStringLocalizer<ProvidersModel> text) : PageModel
{
    public IReadOnlyList<ProviderRow> Providers { get; private set; } = [];
    public string? Notice { get; private set; }

    public async Task OnGetAsync(string? saved, CancellationToken ct)
    {
        Notice = saved is null ? null : text["{0} was saved.", saved].Value;
        var providers = await db.SingleSignOnProviders.AsNoTracking().OrderBy(p => p.Name)
            .Select(p => new { p.Id, p.Name, Domains = p.Domains.Select(d => d.Domain).ToList(), p.Enabled, p.Required, Accounts = p.Accounts.Count })
            .ToListAsync(ct);
        Providers = providers.Select(p => new ProviderRow(p.Id, p.Name, string.Join(", ", p.Domains.Order(StringComparer.Ordinal)), p.Enabled, p.Required, p.Accounts)).ToList();
    }
}
