namespace Portico.Features.Audit.Staff;

[Authorize(Policy = Policies.StaffAdmin)]
public sealed class AuditModel(SearchAuditEvents search, VerifyAuditChain verify, AuditLog audit, PorticoDb db) : PageModel
{
    public AuditPage Events { get; private set; } = AuditPage.Empty;
    public ChainVerification? Verification { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? AccountId { get; set; }

    public async Task OnGetAsync(long? before, CancellationToken cancellationToken) =>
        Events = await search.RunAsync(new AuditQuery(AccountId, Action, Before: before), cancellationToken);

    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken cancellationToken)
    {
        Verification = await verify.RunAsync(cancellationToken);
        audit.Record(AuditActions.AuditVerified, details: new { Verification.EventsChecked, Verification.FirstBrokenSequence });
        await db.SaveChangesAsync(cancellationToken);
        Events = await search.RunAsync(new AuditQuery(), cancellationToken);
        return Page();
    }
}
