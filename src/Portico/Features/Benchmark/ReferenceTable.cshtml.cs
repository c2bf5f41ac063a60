namespace Portico.Features.Benchmark;

/// The benchmark's yardstick: one indexed query rendered as a 10-row table in the normal
/// layout. Answers 404 unless Portico:BenchmarkEndpoints is on.
[AllowAnonymous]
public sealed class ReferenceTableModel(PorticoDb db, IConfiguration configuration) : PageModel
{
    public IReadOnlyList<(string Name, string? ExternalId)> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue<bool>(BenchmarkModule.Setting))
        {
            return NotFound();
        }
        Rows = (await db.Accounts.AsNoTracking().OrderBy(a => a.Name).Take(10).Select(a => new { a.Name, a.ExternalId }).ToListAsync(cancellationToken))
            .Select(a => (a.Name, a.ExternalId)).ToList();
        return Page();
    }
}
