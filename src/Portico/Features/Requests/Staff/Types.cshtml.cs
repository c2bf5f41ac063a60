namespace Portico.Features.Requests.Staff;

[Authorize(Policy = Policies.StaffAdmin)]
public sealed class TypesModel(PorticoDb db) : PageModel
{
    public List<RequestType> Types { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Types = await db.RequestTypes.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
}
