namespace Portico.Features.Requests.Staff;

public sealed record QueueRow(Guid Id, int Number, string Subject, string AccountName, string TypeName, RequestStatus Status, RequestPriority Priority,
    string? AssigneeName, DateTime UpdatedAt, DateTime FirstResponseDueAt, DateTime? FirstRespondedAt, DateTime ResolutionDueAt, DateTime? ResolvedAt);

[Authorize(Policy = Policies.StaffRequests)]
public sealed class QueueModel(PorticoDb db, StaffRequestActions actions, TimeProvider clock, IStringLocalizer<QueueModel> text) : PageModel
{
    public const int PageSize = 50;

    /// "open" (default), "all" or one status name.
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    /// "me", "none", "any" (default) or a staff user id.
    [BindProperty(SupportsGet = true)] public string? Assignee { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Type { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Account { get; set; }
    [BindProperty(SupportsGet = true)] public bool Breached { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public Paged<QueueRow> Rows { get; private set; } = new([], 1, PageSize, 0);
    public List<StaffMember> Assignees { get; private set; } = [];
    public List<(Guid Id, string Name)> Types { get; private set; } = [];
    /// Name of the account filtered by id, shown so a link from an account page reads clearly.
    public string? AccountName { get; private set; }
    /// Counting stops here: the exact size of a very long queue is not worth a full index walk on every load.
    public const int CountLimit = 1000;
    public DateTime Now { get; } = clock.GetUtcNow().UtcDateTime;
    public string? Error => ModelState.Refusal();
    public string? Notice { get; private set; }

    public async Task OnGetAsync(bool done, CancellationToken ct)
    {
        Notice = done ? text["Saved."].Value : null;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostBulkAsync(List<Guid> selected, string? bulkStatus, string? bulkAssignee, CancellationToken ct)
    {
        RequestStatus? status = Enum.TryParse<RequestStatus>(bulkStatus, out var s) && Enum.IsDefined(s) ? s : null;
        var me = User.UserId()!.Value;
        Guid? assignee = bulkAssignee switch
        {
            "me" => me,
            _ when Guid.TryParse(bulkAssignee, out var id) => id,
            _ => null,
        };
        var outcome = await actions.BulkAsync(selected.Distinct().ToList(), status, assignee, unassign: bulkAssignee == "none", ct);
        return await outcome.ToPageResultAsync(this, () => Redirect("/staff/requests?done=true"), async () =>
        {
            await LoadAsync(ct);
            return true;
        });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var me = User.UserId()!.Value;
        var query = db.Requests.AsNoTracking().MatchingText(db, Q?.Length > 200 ? Q[..200] : Q, includeInternal: true);
        query = Status switch
        {
            null or "" or "open" => query.Where(r => r.IsOpen),
            "all" => query,
            _ when Enum.TryParse<RequestStatus>(Status, out var st) => query.Where(r => r.Status == st),
            _ => query,
        };
        query = Assignee switch
        {
            "me" => query.Where(r => r.AssigneeId == me),
            "none" => query.Where(r => r.AssigneeId == null),
            _ when Guid.TryParse(Assignee, out var id) => query.Where(r => r.AssigneeId == id),
            _ => query,
        };
        if (Type is { } typeId)
        {
            query = query.Where(r => r.TypeId == typeId);
        }
        if (Account is { } accountId)
        {
            query = query.Where(r => r.AccountId == accountId);
        }
        if (Breached)
        {
            query = query.Breached(Now);
        }
        var page = Math.Clamp(PageNumber, 1, 10_000);
        var total = await query.CountCappedAsync(ct);
        // Most urgent first: the earliest due clock among open work.
        // Open work by the next due clock; with closed work included, open first.
        var ordered = Status is null or "" or "open" ? query.OrderBy(r => r.NextDueAt) : query.OrderByDescending(r => r.IsOpen).ThenBy(r => r.NextDueAt);
        var items = await ordered
            .Skip((page - 1) * PageSize).Take(PageSize)
            .Join(db.Accounts, r => r.AccountId, a => a.Id, (r, a) => new QueueRow(r.Id, r.Number, r.Subject, a.Name, r.Type.Name, r.Status, r.Priority,
                r.AssigneeName, r.UpdatedAt, r.FirstResponseDueAt, r.FirstRespondedAt, r.ResolutionDueAt, r.ResolvedAt))
            .ToListAsync(ct);
        Rows = new Paged<QueueRow>(items, page, PageSize, total);
        Assignees = await actions.AssigneesAsync(ct);
        Types = (await db.RequestTypes.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct)).Select(t => (t.Id, t.Name)).ToList();
        AccountName = Account is { } filteredAccount ? await db.Accounts.Where(a => a.Id == filteredAccount).Select(a => a.Name).SingleOrDefaultAsync(ct) : null;
    }

    public string Clock(QueueRow r)
    {
        if (r.Status == RequestStatus.WaitingOnCustomer)
        {
            return text["Paused"];
        }
        if (r.FirstRespondedAt is null && r.Status.IsOpen())
        {
            return Remaining(r.FirstResponseDueAt, text["Reply: overdue {0}"], text["Reply within {0}"]);
        }
        return r.ResolvedAt is null ? Remaining(r.ResolutionDueAt, text["Resolve: overdue {0}"], text["Resolve within {0}"]) : text["Done"];
    }

    public bool IsBreached(QueueRow r) => r.Status != RequestStatus.WaitingOnCustomer &&
        ((r.FirstRespondedAt is null && r.Status.IsOpen() && r.FirstResponseDueAt < Now) || (r.ResolvedAt is null && r.ResolutionDueAt < Now));

    /// overdue and within are formats with {0} for the time left or past.
    private string Remaining(DateTime due, string overdue, string within)
    {
        var left = due - Now;
        var span = left.Duration();
        var time = span.TotalHours >= 48 ? HumanText.Localize("{0} d", (int)span.TotalDays)
            : span.TotalHours >= 1 ? HumanText.Localize("{0} h {1} min", (int)span.TotalHours, span.Minutes) : HumanText.Localize("{0} min", span.Minutes);
        return string.Format(System.Globalization.CultureInfo.CurrentCulture, left < TimeSpan.Zero ? overdue : within, time);
    }

    public string PageLink(int page) => QueryString.Create(new Dictionary<string, string?>
    {
        ["status"] = Status, ["assignee"] = Assignee, ["type"] = Type?.ToString(), ["account"] = Account?.ToString(),
        ["breached"] = Breached ? "true" : null, ["q"] = Q, ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(kv => !string.IsNullOrEmpty(kv.Value))).ToUriComponent();
}
