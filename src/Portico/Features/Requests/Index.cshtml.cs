namespace Portico.Features.Requests;

[AccountPermission(Permissions.RequestsView)]
public sealed class IndexModel(PorticoDb db, RequestAccess access, IStringLocalizer<IndexModel> text) : PageModel
{
    [BindProperty(SupportsGet = true)] public RequestStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Type { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Submitter { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public Paged<RequestRow> Requests { get; private set; } = new([], 1, RequestFilter.PageSize, 0);
    public List<(Guid Id, string Name)> Types { get; private set; } = [];
    public List<(Guid Id, string Name)> Submitters { get; private set; } = [];
    public bool CanSubmit => access.CanAct;
    public bool SeesAll => access.SeesAll;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (Q?.Length > 200)
        {
            ModelState.AddModelError(nameof(Q), text["Search for at most {0} characters.", 200]);
            Q = Q[..200];
        }
        var visible = access.Visible();
        Requests = await RequestQueries.ListAsync(visible, db, new RequestFilter(Status, Type, Submitter, Q, PageNumber), ct);
        Types = (await db.RequestTypes.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct))
            .Select(t => (t.Id, t.Name)).ToList();
        Submitters = (await visible.Select(r => new { r.SubmitterId, r.SubmitterName }).Distinct().OrderBy(s => s.SubmitterName).ToListAsync(ct))
            .Select(s => (s.SubmitterId, s.SubmitterName)).ToList();
    }

    public string PageLink(int page) => QueryString.Create(new Dictionary<string, string?>
    {
        ["status"] = Status?.ToString(),
        ["type"] = Type?.ToString(),
        ["submitter"] = Submitter?.ToString(),
        ["q"] = Q,
        ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(kv => !string.IsNullOrEmpty(kv.Value))).ToUriComponent();
}
